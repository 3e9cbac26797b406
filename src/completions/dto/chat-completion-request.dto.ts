import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type {
  ChatCompletionRequest,
  ChatRole,
  ContentPart,
  FunctionCallChoice,
  ReasoningEffort,
  ToolChoice,
} from '../translation/openai.types.js';
import { IsFunctionCallChoice, IsMessageContent, IsStringOrStringArray, IsToolChoice } from './content.validators.js';

/*
 * Only what the gateway reads is declared. Everything else OpenAI clients send
 * (store, seed, metadata, logit_bias, service_tier, a message's name, ...) is
 * stripped by the whitelisting pipe, never rejected.
 */

const ROLES: ChatRole[] = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
const EFFORTS: ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

export class FunctionCallDto {
  @IsString()
  name!: string;

  @IsString()
  arguments!: string;
}

export class ToolCallDto {
  @IsString()
  @IsNotEmpty()
  id!: string;

  @IsIn(['function'])
  type!: 'function';

  @IsDefined()
  @ValidateNested()
  @Type(() => FunctionCallDto)
  function!: FunctionCallDto;
}

export class MessageDto {
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: ChatRole;

  // A user turn needs content; an assistant turn may carry only tool calls.
  @ValidateIf((m: MessageDto) => m.role !== 'assistant' || m.content !== undefined)
  @IsMessageContent()
  content?: string | ContentPart[] | null;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ToolCallDto)
  tool_calls?: ToolCallDto[];

  @ValidateIf((m: MessageDto) => m.role === 'tool')
  @IsString({ message: 'tool_call_id is required on tool messages' })
  @IsNotEmpty()
  tool_call_id?: string;

  // Needed on legacy `role: "function"` results, which name the function they answer.
  @ValidateIf((m: MessageDto) => m.role === 'function' || m.name !== undefined)
  @IsString({ message: 'name is required on function messages' })
  name?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => FunctionCallDto)
  function_call?: FunctionCallDto | null;

  // Signed thinking, as OpenRouter and LiteLLM clients send it back; read by the mapper.
  @IsOptional()
  @IsArray()
  reasoning_details?: unknown[] | null;

  @IsOptional()
  @IsArray()
  thinking_blocks?: unknown[] | null;
}

export class FunctionDefinitionDto {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsOptional()
  @IsString()
  description?: string;

  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @IsOptional()
  @IsBoolean()
  strict?: boolean | null;
}

export class ToolDto {
  @IsIn(['function'], { message: "type must be 'function'" })
  type!: 'function';

  @IsDefined()
  @ValidateNested()
  @Type(() => FunctionDefinitionDto)
  function!: FunctionDefinitionDto;
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

  @IsArray()
  @ArrayNotEmpty({ message: 'messages must contain at least one message' })
  @ValidateNested({ each: true })
  @Type(() => MessageDto)
  messages!: MessageDto[];

  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number | null;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number | null;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  top_p?: number | null;

  @IsOptional()
  @IsStringOrStringArray()
  stop?: string | string[] | null;

  @IsOptional()
  @IsBoolean()
  stream?: boolean | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto | null;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ToolDto)
  tools?: ToolDto[];

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
