import * as sm from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { MUTATING_COMMANDS, OPERATIONS, automatedOperation } from '../../src/remediation/operations/index.js';

describe('the operation allow-list', () => {
  const operations = Object.entries(OPERATIONS);

  it('every SDK command and every SageMaker IAM action of every operation is a real SageMaker API; other actions are the few AWS checks besides', () => {
    const exported = sm as unknown as Record<string, unknown>;
    for (const [name, op] of operations) {
      for (const command of op.sdkCommands) expect(typeof exported[`${command}Command`], `${name}: ${command}`).toBe('function');
      for (const action of op.permissions.flatMap((p) => p.actions)) {
        const [service, api] = action.split(':');
        if (service === 'sagemaker') expect(typeof exported[`${api}Command`], `${name}: ${action}`).toBe('function');
        else expect(['iam:PassRole', 'kms:CreateGrant', 'kms:DescribeKey'], `${name}: ${action}`).toContain(action);
      }
      // Each call it makes is allowed by a permission it declares.
      const allowed = new Set(op.permissions.flatMap((p) => p.actions));
      for (const command of op.sdkCommands) expect(allowed.has(`sagemaker:${command}`), `${name}: ${command}`).toBe(true);
    }
  });

  it('an operation that hands SageMaker a role declares iam:PassRole only towards SageMaker, and tags given to a Create are declared as AddTags on create', () => {
    for (const name of ['notebook.start-if-was-running', 'notebook.stop-if-running', 'job-definition.create-compliant', 'endpoint-config.create-copy', 'schedule.update-network-config'] as const) {
      const pass = OPERATIONS[name].permissions.find((p) => p.actions.includes('iam:PassRole'));
      expect(pass, name).toMatchObject({ resources: [{ type: 'execution-roles' }], condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } });
    }
    const tagOnCreate = OPERATIONS['job-definition.create-compliant'].permissions.find((p) => p.condition?.StringEquals?.['sagemaker:TaggingAction']);
    expect(tagOnCreate?.condition?.StringEquals?.['sagemaker:TaggingAction']).toEqual(expect.arrayContaining(['CreateDataQualityJobDefinition', 'CreateModelExplainabilityJobDefinition']));
    // No operation hands a role without declaring it: only these five send a RoleArn, or start a notebook.
    for (const [name, op] of operations) {
      const passes = op.permissions.some((p) => p.actions.includes('iam:PassRole'));
      const sendsRole = op.sdkCommands.some((c) => /^Create.*JobDefinition$|^CreateEndpointConfig$|^StartNotebookInstance$/.test(c)) || name === 'schedule.update-network-config';
      expect(passes, name).toBe(sendsRole);
    }
  });

  it('each module is registered under its own name, and its mutating commands are among the commands it declares', () => {
    for (const [name, op] of operations) {
      expect(op.name).toBe(name);
      for (const command of op.mutatingCommands) expect(op.sdkCommands, `${name}: ${command}`).toContain(command);
    }
  });

  it('the mutating commands a dry run must not send are derived from the modules: writes only, never a read', () => {
    expect(MUTATING_COMMANDS).toContain('UpdateNotebookInstance');
    expect(MUTATING_COMMANDS).toContain('DeleteDataQualityJobDefinition');
    expect(MUTATING_COMMANDS).toContain('UpdateEndpoint');
    for (const command of MUTATING_COMMANDS) expect(command).not.toMatch(/^(Describe|List)/);
  });

  it('destructive operations are exactly the deletes, and manual or unknown names have no implementation', () => {
    expect(operations.filter(([, op]) => op.destructive).map(([name]) => name).sort()).toEqual(['endpoint-config.delete-if-unused', 'job-definition.delete-if-unused']);
    expect(automatedOperation('manual')).toBeUndefined();
    expect(automatedOperation('notebook.delete')).toBeUndefined();
    expect(automatedOperation('toString')).toBeUndefined();
  });
});
