import { Module } from '@nestjs/common';
import { LoginModule } from '../login/login.module.js';
import { RefreshService } from './refresh.service.js';

/** Needs `ScheduleModule.forRoot()` once at the application root for its SchedulerRegistry. */
@Module({
  imports: [LoginModule],
  providers: [RefreshService],
  exports: [RefreshService],
})
export class RefreshModule {}
