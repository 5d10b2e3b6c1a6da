/**
 * The inline code (Node.js 22, AWS SDK v3 from the runtime) of the INFO digest function.
 * Inline, so that the template deploys without an asset bucket.
 */
export const DIGEST_CODE = [
  "const { CloudWatchClient, DescribeAlarmHistoryCommand } = require('@aws-sdk/client-cloudwatch');",
  "const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');",
  'const cloudwatch = new CloudWatchClient({});',
  'const sns = new SNSClient({});',
  'exports.handler = async () => {',
  '  const names = JSON.parse(process.env.ALARM_NAMES);',
  '  const end = new Date();',
  '  const start = new Date(end.getTime() - Number(process.env.DIGEST_HOURS) * 3600 * 1000);',
  '  const lines = [];',
  '  for (const name of names) {',
  '    let token;',
  '    do {',
  "      const page = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: 'StateUpdate', StartDate: start, EndDate: end, NextToken: token }));",
  '      for (const item of page.AlarmHistoryItems || []) lines.push(`${item.Timestamp.toISOString()}  ${name}  ${item.HistorySummary}`);',
  '      token = page.NextToken;',
  '    } while (token);',
  '  }',
  '  if (lines.length === 0) return { sent: false };',
  '  lines.sort();',
  "  const message = [`${lines.length} INFO alarm state changes from ${start.toISOString()} to ${end.toISOString()}:`, '', ...lines].join('\\n');",
  '  await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Subject: process.env.SUBJECT, Message: message }));',
  '  return { sent: true, changes: lines.length };',
  '};',
  '',
].join('\n');
