import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import type {
  InputItem,
  ReasoningEffortValue,
  ResponsesRequest,
  ResponsesToolChoice,
  TextFormat,
  ToolDef,
} from '../translation/responses.types.js';
import { Verbatim } from '../../common/verbatim.js';
import { EFFORTS } from '../../translation/thinking.js';
import { IsTemperature, IsTopP } from '../../completions/dto/sampling.validators.js';
import { Checks, inputProblem, textProblem, toolChoiceProblem, toolsProblem } from './responses.validators.js';

/*
 * Only what the gateway reads or echoes is declared. Everything else clients
 * send (truncation, service_tier, stream_options, prompt_cache_retention,
 * top_logprobs, ...) is stripped by the whitelisting pipe, never rejected.
 */


export class ReasoningDto {
  @IsOptional()
  @IsIn(EFFORTS)
  effort?: ReasoningEffortValue | null;

  /** Accepted; Claude's thinking text is returned as the summary whenever there is thinking. */
  @IsOptional()
  @IsString()
  summary?: string | null;
}

export class CreateResponseDto implements ResponsesRequest {
  @IsString()
  @IsNotEmpty()
  model!: string;

  @IsOptional()
  @Checks('isResponsesInput', inputProblem)
  @Verbatim()
  input?: string | InputItem[];

  @IsOptional()
  @IsString()
  instructions?: string | null;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  previous_response_id?: string | null;

  @IsOptional()
  @IsBoolean()
  store?: boolean | null;

  @IsOptional()
  @IsBoolean()
  stream?: boolean | null;

  @IsOptional()
  @IsBoolean()
  background?: boolean | null;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  include?: string[] | null;

  @IsOptional()
  @Checks('isResponsesTools', toolsProblem)
  @Verbatim()
  tools?: ToolDef[] | null;

  @IsOptional()
  @Checks('isResponsesToolChoice', toolChoiceProblem)
  tool_choice?: ResponsesToolChoice | null;

  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean | null;

  @IsOptional()
  @Checks('isResponsesText', textProblem)
  @Verbatim()
  text?: { format?: TextFormat | null; verbosity?: string | null } | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ReasoningDto)
  reasoning?: ReasoningDto | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  max_output_tokens?: number | null;

  @IsTemperature()
  temperature?: number | null;

  @IsTopP()
  top_p?: number | null;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, string> | null;

  @IsOptional()
  @IsString()
  user?: string | null;

  @IsOptional()
  @IsString()
  safety_identifier?: string | null;

  @IsOptional()
  @IsString()
  prompt_cache_key?: string | null;
}
