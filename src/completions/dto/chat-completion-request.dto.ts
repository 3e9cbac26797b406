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
} from '../../translation/chat/openai.types.js';
import { IsFunctionCallChoice, IsStringOrStringArray, IsToolChoice } from '../../translation/chat/validators/content.validators.js';
import { IsConversation } from '../../translation/chat/validators/conversation.validator.js';
import { IsToolList } from '../../translation/chat/validators/tool-list.validator.js';
import { IsTemperature, IsTopP } from '../../translation/chat/validators/sampling.validators.js';
import { EFFORTS } from '../../translation/shared/thinking.js';
import { AsParsed, Verbatim } from '../../common/validation/verbatim.js';

/*
 * Only what the gateway reads is declared. Everything else OpenAI clients send
 * (store, seed, metadata, logit_bias, service_tier, a message's name, ...) is
 * stripped by the whitelisting pipe, never rejected.
 */


/** A legacy `functions` entry (the function of a tool). */
export class FunctionDefinitionDto {
  @IsString()
  @IsNotEmpty()
  declare name: string;

  @IsOptional()
  @IsString()
  declare description?: string;

  @IsOptional()
  @IsObject()
  @AsParsed()
  declare parameters?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  declare strict?: boolean | null;
}

export class StreamOptionsDto {
  @IsOptional()
  @IsBoolean()
  declare include_usage?: boolean;
}

export class JsonSchemaDto {
  @IsString()
  declare name: string;

  @IsOptional()
  @IsObject()
  @AsParsed()
  declare schema?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  declare strict?: boolean | null;
}

export class ResponseFormatDto {
  @IsIn(['text', 'json_object', 'json_schema'])
  declare type: 'text' | 'json_object' | 'json_schema';

  @ValidateIf((f: ResponseFormatDto) => f.type === 'json_schema')
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => JsonSchemaDto)
  declare json_schema?: JsonSchemaDto;

  /** With `json_object`: a schema to hold the answer to, as some providers (and instructor's JSON_SCHEMA mode) send it. */
  @IsOptional()
  @IsObject()
  @AsParsed()
  declare schema?: Record<string, unknown>;
}

export class PromptCacheOptionsDto {
  @IsOptional()
  @IsIn(['implicit', 'explicit'])
  declare mode?: 'implicit' | 'explicit' | null;

  @IsOptional()
  @IsString()
  declare ttl?: string | null;
}

export class ChatCompletionRequestDto implements ChatCompletionRequest {
  @IsString()
  @IsNotEmpty()
  declare model: string;

  // One pass over the whole conversation, not a nested class per message.
  @IsConversation()
  @Verbatim()
  declare messages: ChatMessage[];

  @IsOptional()
  @IsInt()
  @Min(1)
  declare max_tokens?: number | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  declare max_completion_tokens?: number | null;

  @IsTemperature()
  declare temperature?: number | null;

  @IsTopP()
  declare top_p?: number | null;

  @IsOptional()
  @IsStringOrStringArray()
  declare stop?: string | string[] | null;

  @IsOptional()
  @IsBoolean()
  declare stream?: boolean | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  declare stream_options?: StreamOptionsDto | null;

  // One pass over every tool, not a nested class per tool.
  @IsToolList()
  @Verbatim()
  declare tools?: FunctionTool[];

  @IsOptional()
  @IsToolChoice()
  declare tool_choice?: ToolChoice;

  @IsOptional()
  @IsBoolean()
  declare parallel_tool_calls?: boolean;

  @IsOptional()
  @IsString()
  declare user?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  declare n?: number | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  declare response_format?: ResponseFormatDto;

  @IsOptional()
  @IsIn(EFFORTS)
  declare reasoning_effort?: ReasoningEffort | null;

  /** Legacy tools. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FunctionDefinitionDto)
  declare functions?: FunctionDefinitionDto[];

  @IsOptional()
  @IsFunctionCallChoice()
  declare function_call?: FunctionCallChoice;

  // Declared so that asking for them is refused by name rather than stripped.
  @IsOptional()
  @IsBoolean()
  declare logprobs?: boolean | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  declare top_logprobs?: number | null;

  @IsOptional()
  @IsObject()
  declare audio?: Record<string, unknown> | null;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  declare modalities?: string[] | null;

  // Accepted: Anthropic's cache is keyed by the prefix itself.
  @IsOptional()
  @IsString()
  declare prompt_cache_key?: string | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => PromptCacheOptionsDto)
  declare prompt_cache_options?: PromptCacheOptionsDto | null;
}
