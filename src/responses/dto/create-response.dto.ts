import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import type {
  InputItem,
  ReasoningEffortValue,
  ResponsesRequest,
  ResponsesToolChoice,
  TextFormat,
  ToolDef,
} from '../../translation/responses/responses.types.js';
import { Verbatim } from '../../common/validation/verbatim.js';
import { EFFORTS } from '../../translation/shared/thinking.js';
import { IsTemperature, IsTopP } from '../../translation/chat/validators/sampling.validators.js';
import { Checks, inputProblem, textProblem, toolChoiceProblem, toolsProblem } from './responses.validators.js';

/*
 * Only what the gateway reads or echoes is declared. Everything else clients
 * send (truncation, service_tier, stream_options, prompt_cache_retention,
 * top_logprobs, ...) is stripped by the whitelisting pipe, never rejected.
 */


export class ReasoningDto {
  @IsOptional()
  @IsIn(EFFORTS)
  declare effort?: ReasoningEffortValue | null;

  /** Accepted; Claude's thinking text is returned as the summary whenever there is thinking. */
  @IsOptional()
  @IsString()
  declare summary?: string | null;
}

export class CreateResponseDto implements ResponsesRequest {
  @IsString()
  @IsNotEmpty()
  declare model: string;

  @IsOptional()
  @Checks('isResponsesInput', inputProblem)
  @Verbatim()
  declare input?: string | InputItem[];

  @IsOptional()
  @IsString()
  declare instructions?: string | null;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  declare previous_response_id?: string | null;

  @IsOptional()
  @IsBoolean()
  declare store?: boolean | null;

  @IsOptional()
  @IsBoolean()
  declare stream?: boolean | null;

  @IsOptional()
  @IsBoolean()
  declare background?: boolean | null;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  declare include?: string[] | null;

  @IsOptional()
  @Checks('isResponsesTools', toolsProblem)
  @Verbatim()
  declare tools?: ToolDef[] | null;

  @IsOptional()
  @Checks('isResponsesToolChoice', toolChoiceProblem)
  declare tool_choice?: ResponsesToolChoice | null;

  @IsOptional()
  @IsBoolean()
  declare parallel_tool_calls?: boolean | null;

  @IsOptional()
  @Checks('isResponsesText', textProblem)
  @Verbatim()
  declare text?: { format?: TextFormat | null; verbosity?: string | null } | null;

  @IsOptional()
  @ValidateNested()
  @Type(() => ReasoningDto)
  declare reasoning?: ReasoningDto | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  declare max_output_tokens?: number | null;

  @IsTemperature()
  declare temperature?: number | null;

  @IsTopP()
  declare top_p?: number | null;

  @IsOptional()
  @IsObject()
  declare metadata?: Record<string, string> | null;

  @IsOptional()
  @IsString()
  declare user?: string | null;

  @IsOptional()
  @IsString()
  declare safety_identifier?: string | null;

  @IsOptional()
  @IsString()
  declare prompt_cache_key?: string | null;
}
