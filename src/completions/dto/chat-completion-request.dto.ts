import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type {
  ChatCompletionRequest,
  ChatMessage,
  FunctionCallChoice,
  FunctionTool,
  ReasoningEffort,
  ToolChoice,
} from '../translation/openai.types.js';
import { IsFunctionCallChoice, IsStringOrStringArray, IsToolChoice } from './content.validators.js';
import { IsConversation } from './conversation.validator.js';
import { IsToolList } from './tool-list.validator.js';
import { IsTemperature, IsTopP } from './sampling.validators.js';
import { EFFORTS } from '../../translation/thinking.js';
import { AsParsed, Verbatim } from '../../common/verbatim.js';

/*
 * Only what the gateway reads is declared. Everything else OpenAI clients send
 * (store, seed, metadata, logit_bias, service_tier, a message's name, ...) is
 * stripped by the whitelisting pipe, never rejected.
 */


/** A legacy `functions` entry (the function of a tool). */
export class FunctionDefinitionDto {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsOptional()
  @IsString()
  description?: string;

  @IsOptional()
  @IsObject()
  @AsParsed()
  parameters?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  strict?: boolean | null;
}

export class StreamOptionsDto {
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

export class JsonSchemaDto {
  @IsString()
  name!: string;

  @IsOptional()
  @IsObject()
  @AsParsed()
  schema?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  strict?: boolean | null;
}

export class ResponseFormatDto {
  @IsIn(['text', 'json_object', 'json_schema'])
  type!: 'text' | 'json_object' | 'json_schema';

  @ValidateIf((f: ResponseFormatDto) => f.type === 'json_schema')
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => JsonSchemaDto)
  json_schema?: JsonSchemaDto;
}

export class PromptCacheOptionsDto {
  @IsOptional()
  @IsIn(['implicit', 'explicit'])
  mode?: 'implicit' | 'explicit' | null;

  @IsOptional()
  @IsString()
  ttl?: string | null;
}

export class ChatCompletionRequestDto implements ChatCompletionRequest {
  @IsString()
  @IsNotEmpty()
  model!: string;

  // One pass over the whole conversation, not a nested class per message.
  @IsConversation()
  @Verbatim()
  messages!: ChatMessage[];

  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number | null;

  @IsTemperature()
  temperature?: number | null;

  @IsTopP()
  top_p?: number | null;

  @IsOptional()
  @IsStringOrStringArray()
  stop?: string | string[] | null;

  @IsOptional()
  @IsBoolean()
  stream?: boolean | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto | null;

  // One pass over every tool, not a nested class per tool.
  @IsToolList()
  @Verbatim()
  tools?: FunctionTool[];

  @IsOptional()
  @IsToolChoice()
  tool_choice?: ToolChoice;

  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean;

  @IsOptional()
  @IsString()
  user?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  n?: number | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  response_format?: ResponseFormatDto;

  @IsOptional()
  @IsIn(EFFORTS)
  reasoning_effort?: ReasoningEffort | null;

  /** Legacy tools. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FunctionDefinitionDto)
  functions?: FunctionDefinitionDto[];

  @IsOptional()
  @IsFunctionCallChoice()
  function_call?: FunctionCallChoice;

  // Declared so that asking for them is refused by name rather than stripped.
  @IsOptional()
  @IsBoolean()
  logprobs?: boolean | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  top_logprobs?: number | null;

  @IsOptional()
  @IsObject()
  audio?: Record<string, unknown> | null;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  modalities?: string[] | null;

  // Accepted: Anthropic's cache is keyed by the prefix itself.
  @IsOptional()
  @IsString()
  prompt_cache_key?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => PromptCacheOptionsDto)
  prompt_cache_options?: PromptCacheOptionsDto | null;
}
