import { Document, Scalar, visit } from 'yaml';
import { forwardedEventNames } from '../aws/events.js';

/**
 * CloudFormation for event-driven detection, generated from the same list the event parser reads (so the rule can
 * never forward an event the app does not understand, nor miss one it does):
 * - `member`: in every member account and region (a service-managed StackSet), rules on the default bus that forward
 *   SageMaker writes recorded by CloudTrail, and Security Hub findings of the SageMaker controls, to the hub's bus;
 * - `hub`: in the hub account, the central bus (open to the organization), a rule to an SQS queue, and its
 *   dead-letter queue.
 * `scripts/deploy-templates.ts` writes them to deploy/; a test fails when the committed files drift.
 */

type Template = Record<string, unknown>;

/** SageMaker writes recorded by CloudTrail; failed calls are dropped by the rule (`errorCode` absent). */
export function cloudTrailPattern(): Record<string, unknown> {
  return {
    source: ['aws.sagemaker'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['sagemaker.amazonaws.com'], eventName: forwardedEventNames(), errorCode: [{ exists: false }] },
  };
}

/** Findings of the SageMaker controls, as Security Hub imports or updates them. */
export function securityHubPattern(): Record<string, unknown> {
  return {
    source: ['aws.securityhub'],
    'detail-type': ['Security Hub Findings - Imported'],
    detail: { findings: { Compliance: { SecurityControlId: [{ prefix: 'SageMaker.' }] } } },
  };
}

export function memberEventsTemplate(): Template {
  const target = { Arn: { Ref: 'HubEventBusArn' }, Id: 'hub-bus', RoleArn: { 'Fn::GetAtt': ['ForwardRole', 'Arn'] } };
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'sagemaker-audit member account: forward SageMaker changes and SageMaker control findings to the hub event bus (deploy in every region audited).',
    Parameters: {
      HubEventBusArn: { Type: 'String', Description: 'ARN of the hub event bus (the hub stack output EventBusArn).', AllowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[A-Za-z0-9._-]+$' },
    },
    Resources: {
      // No RoleName: IAM is global, and this stack runs in several regions of the same account.
      ForwardRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
          },
          Policies: [{ PolicyName: 'put-events-to-hub', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'HubEventBusArn' } }] } }],
        },
      },
      SageMakerChangesRule: {
        Type: 'AWS::Events::Rule',
        Properties: { Description: 'SageMaker writes recorded by CloudTrail, to the sagemaker-audit hub', EventBusName: 'default', State: 'ENABLED', EventPattern: cloudTrailPattern(), Targets: [target] },
      },
      SageMakerFindingsRule: {
        Type: 'AWS::Events::Rule',
        Properties: { Description: 'Security Hub findings of the SageMaker controls, to the sagemaker-audit hub', EventBusName: 'default', State: 'ENABLED', EventPattern: securityHubPattern(), Targets: [target] },
      },
    },
  };
}

export function hubEventsTemplate(): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'sagemaker-audit hub account: the central event bus for the organization, and the queue the app reads (EVENTS_QUEUE_URL).',
    Parameters: {
      OrganizationId: { Type: 'String', Description: 'The AWS Organization whose accounts may send events (o-…).', AllowedPattern: '^o-[a-z0-9]{10,32}$' },
      EventBusName: { Type: 'String', Default: 'sagemaker-audit' },
      MaxReceiveCount: { Type: 'Number', Default: 5, MinValue: 1, MaxValue: 1000, Description: 'Deliveries of a message before it moves to the dead-letter queue.' },
    },
    Resources: {
      EventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: { Ref: 'EventBusName' } } },
      EventBusPolicy: {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: { Ref: 'EventBus' },
          StatementId: 'organization-may-put-events',
          Statement: { Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } } },
        },
      },
      DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true } },
      EventQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          // Longer than the time the app takes to queue a message's audit; a long poll waits up to 20 s.
          VisibilityTimeout: 60,
          ReceiveMessageWaitTimeSeconds: 20,
          SqsManagedSseEnabled: true,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }, maxReceiveCount: { Ref: 'MaxReceiveCount' } },
        },
      },
      ToQueueRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: 'Everything the members forward, to the queue sagemaker-audit reads',
          EventBusName: { Ref: 'EventBus' },
          State: 'ENABLED',
          EventPattern: { source: ['aws.sagemaker', 'aws.securityhub'] },
          // SQS targets take a resource policy, not a RoleArn.
          Targets: [{ Arn: { 'Fn::GetAtt': ['EventQueue', 'Arn'] }, Id: 'event-queue' }],
        },
      },
      EventQueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [{ Ref: 'EventQueue' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['EventQueue', 'Arn'] }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['ToQueueRule', 'Arn'] } } } }],
          },
        },
      },
    },
    Outputs: {
      EventBusArn: { Value: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, Description: 'The member stacks parameter HubEventBusArn.' },
      EventQueueUrl: { Value: { Ref: 'EventQueue' }, Description: 'The app setting EVENTS_QUEUE_URL.' },
      DeadLetterQueueUrl: { Value: { Ref: 'DeadLetterQueue' } },
    },
  };
}

/** The files under deploy/ and their text. */
export function renderEventTemplates(): Record<string, string> {
  const render = (t: Template): string => {
    const doc = new Document(t);
    // Dates stay strings (YAML 1.1 readers would turn `2010-09-09` into a timestamp).
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node.value)) node.type = Scalar.QUOTE_DOUBLE;
      },
    });
    return `# Generated by npm run deploy:templates; do not edit by hand.\n${doc.toString({ lineWidth: 0 })}`;
  };
  return { 'events-member.yaml': render(memberEventsTemplate()), 'events-hub.yaml': render(hubEventsTemplate()) };
}
