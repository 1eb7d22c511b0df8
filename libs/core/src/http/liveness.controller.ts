import { Public } from './command-context';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

/** GET /health for services whose readiness is being up (no projections of their own). */
@ApiTags('health')
@Public()
@Controller('health')
export class LivenessController {
  @Get()
  @ApiOperation({ summary: 'Up and connected' })
  health() {
    return { status: 'ok' };
  }
}
