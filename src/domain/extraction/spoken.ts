/**
 * How people say postcodes, phone numbers and spellings on the phone, and how a transcriber
 * writes them down. Pure text in, written forms out.
 */
export { findPostcodes, isPostcodeShape, spelledWords, type PostcodeMention } from "./spoken-postcodes.ts";
export { findPhoneNumbers, type PhoneMention } from "./spoken-phones.ts";
export { isNumberWord, numberWordsToDigits } from "./spoken-words.ts";
