import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoginModule } from '../auth/login/login.module.js';
import { RefreshService } from './refresh.service.js';

/**
 * Owns the schedule: importing ScheduleModule here (it is global, so this is
 * its one registration) makes Nest bootstrap the scheduler before this
 * module, so RefreshService finds its declared @Cron job already mounted.
 */
@Module({
  imports: [ScheduleModule.forRoot(), LoginModule],
  providers: [RefreshService],
  exports: [RefreshService],
})
export class RefreshModule {}
