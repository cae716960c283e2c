import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layer rules in eslint.config.js, checked on code that breaks them (lintText: nothing is written to disk). */
const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('layers point one way (eslint)', () => {
  it('a lower layer may not import a higher one', async () => {
    expect(await problems('src/aws/example.ts', "import { COMMAND } from '../slack/ids.js';\nexport const x = COMMAND;\n")).toEqual([expect.stringContaining('Layers point one way')]);
    expect(await problems('src/remediation/example.ts', "import { QUEUE_NAMES } from '../queue/names.js';\nexport const x = QUEUE_NAMES;\n")).toHaveLength(1);
    expect(await problems('src/slack/example.ts', "import { createServices } from '../services.js';\nexport const x = createServices;\n")).toHaveLength(1);
    expect(await problems('src/main.ts', "import { startWorkers } from '../workers/index.js';\nexport const x = startWorkers;\n")).toHaveLength(1);
  });

  it('a higher layer may import a lower one', async () => {
    expect(await problems('src/slack/example.ts', "import { QUEUE_NAMES } from '../queue/names.js';\nexport const x = QUEUE_NAMES;\n")).toEqual([]);
    expect(await problems('workers/example.ts', "import { createServices } from '../src/services.js';\nexport const x = createServices;\n")).toEqual([]);
  });

  it('controls import no AWS readers and no SDK values, only SDK types', async () => {
    expect(await problems('src/controls/example.ts', "import { readTags } from '../aws/inventory.js';\nexport const x = readTags;\n")).toEqual([expect.stringContaining('Controls never read AWS')]);
    expect(await problems('src/controls/example.ts', "import { ListTagsCommand } from '@aws-sdk/client-sagemaker';\nexport const x = ListTagsCommand;\n")).toHaveLength(1);
    expect(await problems('src/controls/example.ts', "import type { ProductionVariant } from '@aws-sdk/client-sagemaker';\nexport type X = ProductionVariant;\n")).toEqual([]);
  });

  it('Slack code never calls AWS, and only src/aws builds SDK clients', async () => {
    expect(await problems('src/slack/example.ts', "import { ListTagsCommand } from '@aws-sdk/client-sagemaker';\nexport const x = ListTagsCommand;\n")).toEqual([expect.stringContaining('never calls AWS')]);
    expect(await problems('src/remediation/example.ts', "import { SageMakerClient } from '@aws-sdk/client-sagemaker';\nexport const x = new SageMakerClient({});\n")).toEqual([expect.stringContaining('Only src/aws builds SDK clients')]);
    expect(await problems('src/aws/example.ts', "import { SageMakerClient } from '@aws-sdk/client-sagemaker';\nexport const x = new SageMakerClient({});\n")).toEqual([]);
  });
});
