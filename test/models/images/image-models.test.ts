import { describe, expect, it } from 'vitest';
import { takesImages } from '../../../src/models/images/image-models';

describe('takesImages', () => {
  it('says yes for the models known to see, under their hosts’ spellings', () => {
    const seeing = ['gpt-4o', 'gpt-4o-mini', 'chatgpt-4o-latest', 'gpt-4.1-nano', 'gpt-5', 'gpt-5.4', 'gpt-5-codex', 'o3', 'o3-pro', 'o4-mini', 'o1',
      'claude-sonnet-4-5', 'anthropic/claude-opus-4', 'gemini-2.5-pro', 'google/gemini-2.0-flash', 'llava:13b', 'bakllava', 'pixtral-12b',
      'llama3.2-vision:11b', 'qwen2.5-vl-72b-instruct', 'qwen2.5vl:7b', 'Qwen/Qwen3-VL-30B-A3B-Instruct', 'gemma3:27b', 'minicpm-v', 'meta-llama/llama-4-scout'];
    expect(seeing.filter((modelId) => !takesImages({ modelId }))).toEqual([]);
  });

  it('says no for text-only models and unknown names', () => {
    const blind = ['gpt-3.5-turbo', 'o3-mini', 'o1-mini', 'gpt-oss-120b', 'qwen3-coder', 'qwen2.5-coder:32b', 'deepseek-chat', 'llama3.1:8b', 'mistral-large', 'demo', 'my-deployment', 'devlin-7b'];
    expect(blind.filter((modelId) => takesImages({ modelId }))).toEqual([]);
  });

  it('lets the images setting decide either way', () => {
    expect(takesImages({ modelId: 'my-deployment', setting: true })).toBe(true);
    expect(takesImages({ modelId: 'gpt-4o', setting: false })).toBe(false);
  });
});
