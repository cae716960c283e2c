import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layers point one way: a module may import its own layer and the ones before it, never one after it.
 * Each entry is a folder or file of src/ (or workers/) and the import patterns that would point upward from it.
 */
const LAYERS = [
  ['src/util', 'src/validation.ts'],
  ['src/config.ts', 'src/logging.ts'],
  ['src/aws'],
  ['src/plans'],
  ['src/controls'],
  ['src/audit'],
  ['src/trail.ts', 'src/routing.ts'],
  ['src/risks'],
  ['src/digest'],
  ['src/remediation'],
  ['src/iam', 'src/deploy'],
  ['src/queue'],
  ['src/ops'],
  ['src/slack', 'src/cli', 'src/demo'],
  ['src/services.ts'],
  ['src/lifecycle.ts', 'src/startup.ts'],
  ['src/web.ts', 'src/main.ts'],
  ['workers'],
];

/** The import specifiers that reach a folder or file, whatever the relative path. */
function patternsOf(target) {
  const name = target.replace(/^src\//, '');
  return name.endsWith('.ts') ? [`**/${name.replace(/\.ts$/, '.js')}`, `./${name.replace(/\.ts$/, '.js')}`] : [`**/${name}/**`, `./${name}/**`];
}

const filesOf = (target) => (target.endsWith('.ts') ? [target] : [`${target}/**/*.ts`]);

// Only src/aws builds SDK clients and credentials; everything else is handed one.
const CLIENTS = ['client-sagemaker', 'client-securityhub', 'client-sts', 'client-organizations', 'client-sqs', 'client-account', 'client-resource-groups-tagging-api'].map((pkg) => ({
  name: `@aws-sdk/${pkg}`,
  importNames: ['SageMakerClient', 'SecurityHubClient', 'STSClient', 'OrganizationsClient', 'SQSClient', 'AccountClient', 'ResourceGroupsTaggingAPIClient'],
  message: 'Only src/aws builds SDK clients: take one as a parameter.',
  allowTypeImports: true,
}));
const CREDENTIALS = { name: '@aws-sdk/credential-providers', message: 'Only src/aws handles credentials.', allowTypeImports: true };

/** Extra rules of some layers, on top of "point one way". */
const EXTRA = {
  // Controls are data and pure functions over a snapshot: SDK types only, no readers, no I/O.
  'src/controls': [
    { group: ['**/aws/clients.js', '**/aws/inventory.js', '**/aws/read-resource.js', '**/aws/accounts.js', '**/aws/securityhub.js'], message: 'Controls never read AWS: the audit hands them a snapshot.' },
    { group: ['@aws-sdk/*'], message: 'Controls use SDK types only.', allowTypeImports: true },
    { group: ['@slack/*', 'bullmq', 'ioredis'], message: 'Controls do no I/O.' },
  ],
  // Slack code acks, checks and enqueues: it never calls AWS.
  'src/slack': [
    { group: ['@aws-sdk/*', '**/aws/clients.js', '**/aws/inventory.js', '**/aws/read-resource.js', '**/aws/accounts.js', '**/aws/securityhub.js', '**/aws/kinds/**'], message: 'Slack code never calls AWS: it queues a job.', allowTypeImports: true },
  ],
  // The CLI sits beside the Slack layer, not on top of it.
  'src/cli': [{ group: ['**/slack/**'], message: 'The CLI uses the audit engine, never the Slack app.' }],
};

const layerRules = LAYERS.flatMap((layer, i) =>
  layer.map((target) => {
    const upward = LAYERS.slice(i + 1).flat().flatMap(patternsOf);
    const patterns = [
      ...(upward.length > 0
        ? [{ group: upward, message: 'Layers point one way (config → aws → plans → controls → audit → risks/digest → remediation → queue → ops → slack → composition → workers): import a lower layer, or move the code.' }]
        : []),
      ...(EXTRA[target] ?? []),
    ];
    const paths = target === 'src/aws' ? [] : [...CLIENTS, CREDENTIALS];
    return {
      files: filesOf(target),
      rules: { '@typescript-eslint/no-restricted-imports': ['error', { ...(patterns.length > 0 ? { patterns } : {}), ...(paths.length > 0 ? { paths } : {}) }] },
    };
  }),
);

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'dist/', 'dist.*.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', Response: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Only the config module reads the environment; everything else gets a parsed Config passed in.
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in src/config.ts and pass it in.' }],
    },
  },
  ...layerRules,
);
