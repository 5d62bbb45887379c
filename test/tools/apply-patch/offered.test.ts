import { describe, expect, it } from 'vitest';
import { offersApplyPatch } from '../../../src/tools/apply-patch/offered';

describe('offersApplyPatch', () => {
  it('offers it to the model families Codex teaches the format to, by id', () => {
    for (const modelId of ['gpt-5', 'gpt-5.4', 'gpt-5-mini', 'gpt-5.1-codex-max', 'codex-mini-latest', 'gpt-oss-120b', 'openai/gpt-oss-20b', 'o3', 'o3-pro', 'o4-mini', 'GPT-5.2', 'openai/gpt-5']) {
      expect(offersApplyPatch({ modelId }), modelId).toBe(true);
    }
    for (const modelId of ['gpt-4.1', 'gpt-4o', 'qwen2.5-coder:7b', 'claude-sonnet-4', 'demo', 'o1', 'scripted', 'replay of run.jsonl']) {
      expect(offersApplyPatch({ modelId }), modelId).toBe(false);
    }
  });

  it('lets the applyPatch setting decide for every model when it is set', () => {
    expect(offersApplyPatch({ modelId: 'qwen2.5-coder:7b', setting: true })).toBe(true);
    expect(offersApplyPatch({ modelId: 'gpt-5.4', setting: false })).toBe(false);
  });
});
