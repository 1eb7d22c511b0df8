import { Public } from '@shecun/core';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProjectionHost } from '@shecun/projections';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly projections: ProjectionHost) {}

  @Get()
  @ApiOperation({ summary: 'Ready once every projection has caught up with the event log since start' })
  health() {
    const status = this.projections.status();
    if (!status.ready) {
      throw new ServiceUnavailableException({ message: '读模型追赶中 (read models are catching up)', projections: status.projections });
    }
    return { status: 'ok', projections: status.projections };
  }
}
