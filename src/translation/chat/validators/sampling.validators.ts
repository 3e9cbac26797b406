import { applyDecorators } from '@nestjs/common';
import { IsNumber, IsOptional, Max, Min } from 'class-validator';

/*
 * OpenAI's sampling ranges, the same on Chat Completions and Responses. Both
 * are accepted and checked, then left out upstream (the Messages API version
 * the SDK sends refuses them at any value; see the request mapper).
 */

/** `temperature`: optional, 0 to 2. */
export const IsTemperature = () => applyDecorators(IsOptional(), IsNumber(), Min(0), Max(2));

/** `top_p`: optional, 0 to 1. */
export const IsTopP = () => applyDecorators(IsOptional(), IsNumber(), Min(0), Max(1));
