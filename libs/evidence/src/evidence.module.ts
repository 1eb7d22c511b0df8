import { DynamicModule, Global, Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import { EvidenceController } from './evidence.controller';
import { EvidenceService } from './evidence.service';
import { PostgresEvidenceStorage } from './pg-storage';
import { EVIDENCE_STORAGE, EvidenceStorage, FilesystemEvidenceStorage } from './storage';

@Global()
@Module({})
export class EvidenceModule implements OnApplicationShutdown {
  constructor(@Inject(EVIDENCE_STORAGE) private readonly storage: EvidenceStorage) {}

  /** Evidence files in `dir` (the embedded app: `<dataDir>/evidence`). */
  static onFilesystem(dir: string, options: { controller?: boolean } = {}): DynamicModule {
    return EvidenceModule.with(new FilesystemEvidenceStorage(dir), options);
  }

  /** Evidence files in PostgreSQL (the distributed topology: one table every instance shares). */
  static onPostgres(url: string, options: { controller?: boolean } = {}): DynamicModule {
    return EvidenceModule.with(PostgresEvidenceStorage.fromUrl(url), options);
  }

  static with(storage: EvidenceStorage, options: { controller?: boolean } = {}): DynamicModule {
    return {
      module: EvidenceModule,
      controllers: options.controller === false ? [] : [EvidenceController],
      providers: [{ provide: EVIDENCE_STORAGE, useValue: storage }, EvidenceService],
      exports: [EVIDENCE_STORAGE, EvidenceService],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.storage instanceof PostgresEvidenceStorage) await this.storage.close();
  }
}
