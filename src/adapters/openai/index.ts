export { createOpenAIClient, type OpenAIClientConfig } from "./client.ts";
export { createOpenAIExtractor, OpenAIExtractionError, type OpenAIExtractorConfig } from "./openai-extractor.ts";
export { createWhisperTranscriber, WHISPER_MAX_BYTES, type WhisperConfig } from "./whisper-transcriber.ts";
