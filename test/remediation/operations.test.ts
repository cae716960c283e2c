import * as sm from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { MUTATING_COMMANDS, OPERATIONS, automatedOperation } from '../../src/remediation/operations/index.js';

describe('the operation allow-list', () => {
  const operations = Object.entries(OPERATIONS);

  it('every IAM action and SDK command of every operation is a real SageMaker API (a Command exists in @aws-sdk/client-sagemaker)', () => {
    const exported = sm as unknown as Record<string, unknown>;
    for (const [name, op] of operations) {
      for (const action of op.iamActions) {
        const [service, api] = action.split(':');
        expect(service, `${name}: ${action}`).toBe('sagemaker');
        expect(typeof exported[`${api}Command`], `${name}: ${action}`).toBe('function');
      }
      for (const command of op.sdkCommands) expect(typeof exported[`${command}Command`], `${name}: ${command}`).toBe('function');
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
