import { describe, it, expect } from 'vitest';
import { sagemaker14 } from '../../src/controls/sagemaker-14.js';
import { sagemaker22 } from '../../src/controls/sagemaker-22.js';
import { describeControlContract } from './contract.js';
import { embeddedSchedule, namedSchedule, params, snapshot, unread } from './fixtures.js';

const P = params();

describe('SageMaker.14 monitoring schedule network isolation', () => {
  it('passes when the embedded definition has EnableNetworkIsolation true', () => {
    expect(sagemaker14.evaluate(embeddedSchedule('ms-1', { EnableNetworkIsolation: true }), P)).toEqual({
      status: 'PASSED',
      reason: 'SageMaker monitoring schedule ms-1 has network isolation enabled.',
    });
  });
  it('fails when false or not configured', () => {
    expect(sagemaker14.evaluate(embeddedSchedule('ms-1', { EnableNetworkIsolation: false }), P).reason).toBe(
      'SageMaker monitoring schedule ms-1 has network isolation disabled.',
    );
    expect(sagemaker14.evaluate(embeddedSchedule('ms-1', undefined), P).status).toBe('FAILED');
    expect(sagemaker14.evaluate(embeddedSchedule('ms-1', { EnableInterContainerTrafficEncryption: true }), P).status).toBe('FAILED');
  });
  it('is NOT_APPLICABLE when the schedule names a job definition, pointing at that definition control', () => {
    const r = sagemaker14.evaluate(namedSchedule('ms-2', 'dq-def', 'ModelQuality'), P);
    expect(r.status).toBe('NOT_APPLICABLE');
    expect(r.reason).toContain('dq-def');
    expect(r.reason).toContain('evaluated by its own control (SageMaker.25)');
  });
  it('is UNKNOWN without Describe, and when the config has neither form', () => {
    expect(sagemaker14.evaluate(unread('monitoring-schedule', 'ms-1'), P).reason).toContain('EnableNetworkIsolation');
    const empty = embeddedSchedule('ms-3', undefined);
    const detail = { ...empty.detail!, MonitoringScheduleConfig: { ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } };
    expect(sagemaker14.evaluate(snapshot('monitoring-schedule', 'ms-3', detail), P).status).toBe('UNKNOWN');
  });
  it('plans an in-place UpdateMonitoringSchedule then a wait', () => {
    const plan = sagemaker14.plan(embeddedSchedule('ms-1', { EnableNetworkIsolation: false }), P);
    expect(plan.kind).toBe('in-place');
    expect(plan.steps.map((s) => [s.operation, s.params])).toEqual([
      ['schedule.update-network-config', { scheduleName: 'ms-1', enableNetworkIsolation: true }],
      ['schedule.wait-not-pending', { scheduleName: 'ms-1', maxWaitSeconds: 600 }],
    ]);
    expect(plan.disruption).toContain('AWS credentials');
    expect(plan.verify).toEqual({ controlId: 'SageMaker.14' });
  });
  it('for a named-definition schedule, the plan points at the definition control', () => {
    const plan = sagemaker14.plan(namedSchedule('ms-2', 'dq-def'), P);
    expect(plan.kind).toBe('manual');
    expect(plan.summary).toContain('SageMaker.11');
  });
});

describe('SageMaker.22 monitoring schedule inter-container traffic encryption', () => {
  it('passes when the embedded definition has the flag true', () => {
    expect(sagemaker22.evaluate(embeddedSchedule('ms-1', { EnableInterContainerTrafficEncryption: true }), P).status).toBe('PASSED');
  });
  it('fails when false or absent', () => {
    expect(sagemaker22.evaluate(embeddedSchedule('ms-1', { EnableInterContainerTrafficEncryption: false }), P)).toEqual({
      status: 'FAILED',
      reason: 'SageMaker monitoring schedule ms-1 has inter-container traffic encryption disabled.',
    });
    expect(sagemaker22.evaluate(embeddedSchedule('ms-1', { EnableNetworkIsolation: true }), P).status).toBe('FAILED');
  });
  it('is NOT_APPLICABLE for a named definition (the definition control evaluates it)', () => {
    const r = sagemaker22.evaluate(namedSchedule('ms-2', 'bias-def', 'ModelBias'), P);
    expect(r.status).toBe('NOT_APPLICABLE');
    expect(r.reason).toContain('SageMaker.15');
  });
  it('is UNKNOWN without Describe', () => {
    expect(sagemaker22.evaluate(unread('monitoring-schedule', 'ms-1'), P).status).toBe('UNKNOWN');
  });
  it('plans a manual delete and recreate (not updatable in place)', () => {
    const plan = sagemaker22.plan(embeddedSchedule('ms-1', { EnableInterContainerTrafficEncryption: false }), P);
    expect(plan.kind).toBe('manual');
    expect(plan.steps.map((s) => s.id)).toEqual(['record', 'stop', 'delete', 'create', 'check']);
    expect(plan.steps.every((s) => s.operation === 'manual')).toBe(true);
    expect(plan.steps.find((s) => s.id === 'create')?.title).toContain('EnableInterContainerTrafficEncryption=true');
    expect(plan.disruption).toContain('churn-prod');
    expect(sagemaker22.metadata.remediation).toBe('manual');
  });
});

describeControlContract(sagemaker14, embeddedSchedule('ms-1', { EnableNetworkIsolation: false }), params());
describeControlContract(sagemaker22, embeddedSchedule('ms-1', {}), params());
