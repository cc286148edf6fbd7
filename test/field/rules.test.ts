// The field app's pure rules: the outbox's state machine after each answer, the queue's steps, and
// that the browser gets the very same outboxStep (its source inlined in the served script).
import { describe, expect, it } from 'vitest';
import { FIELD_APP_JS } from '../../src/field/client.ts';
import { type OutboxItem, type OutboxState, outboxStep, queueSteps, type SendOutcome } from '../../src/field/rules.ts';

const pending: OutboxItem = { state: 'pending', attempts: 0, message: null, code: null, needsSignIn: false };

describe('outboxStep', () => {
  const net = (status: number, code?: string, message?: string): SendOutcome => ({ network: true, status, code, message });
  it.each<[string, SendOutcome, OutboxState, boolean]>([
    ['no network', { network: false }, 'pending', false],
    ['stored (200)', net(200), 'sent', false],
    ['opened (201)', net(201), 'sent', false],
    ['signed out meanwhile (401)', net(401, 'AUTH_REQUIRED'), 'pending', true],
    ['the first send still running (409 IDEMPOTENCY_IN_PROGRESS)', net(409, 'IDEMPOTENCY_IN_PROGRESS'), 'pending', false],
    ['the case moved on (409 CASE_STATE)', net(409, 'CASE_STATE', '当前步骤为“入户核实”'), 'conflict', false],
    ['already an open case (409 CASE_OPEN)', net(409, 'CASE_OPEN', '该户已有未办结的案卷'), 'conflict', false],
    ['a bad form (400)', net(400, 'VALIDATION_FAILED', '请求内容不正确'), 'rejected', false],
    ['not this user’s village (404)', net(404, 'CASE_NOT_FOUND', '认定案卷不存在'), 'rejected', false],
    ['not this level’s step (403)', net(403, 'CASE_AUTHORITY', '无权办理'), 'rejected', false],
    ['the same key with another body (422)', net(422, 'IDEMPOTENCY_KEY_REUSED', '已用于另一个请求'), 'rejected', false],
    ['too many requests (429)', net(429, 'RATE_LIMITED'), 'pending', false],
    ['server error (500)', net(500, 'INTERNAL'), 'pending', false],
    ['gateway (502)', net(502), 'pending', false],
  ])('%s → %s', (_, outcome, state, needsSignIn) => {
    const next = outboxStep(pending, outcome);
    expect(next.state).toBe(state);
    expect(next.attempts).toBe(1);
    expect(next.needsSignIn).toBe(needsSignIn);
    if (state === 'conflict' || state === 'rejected') expect(next.message).toMatch(/[\u4e00-\u9fff]/);
    if (state === 'sent') expect(next.message).toBeNull();
  });

  it('keeps the server’s message for a conflict, and never moves an item that is no longer pending', () => {
    const c = outboxStep(pending, { network: true, status: 409, code: 'CASE_STATE', message: '案卷已进入村级评议' });
    expect(c).toMatchObject({ state: 'conflict', code: 'CASE_STATE', message: '案卷已进入村级评议' });
    expect(outboxStep(c, { network: true, status: 200 })).toBe(c);
    const sent = outboxStep(pending, { network: true, status: 200 });
    expect(outboxStep(sent, { network: true, status: 409, code: 'CASE_STATE' })).toBe(sent);
  });

  it('counts attempts across retries', () => {
    let i = pending;
    for (let n = 0; n < 3; n++) i = outboxStep(i, { network: false });
    expect(outboxStep(i, { network: true, status: 200 })).toMatchObject({ state: 'sent', attempts: 4 });
  });

  it('is served to the browser as it is, self-contained', () => {
    expect(FIELD_APP_JS).toContain(`const outboxStep = ${outboxStep.toString()};`);
    expect(FIELD_APP_JS).not.toMatch(/__name|require\(/);
    const source = FIELD_APP_JS.slice(FIELD_APP_JS.indexOf('const outboxStep = ') + 19, FIELD_APP_JS.indexOf(';\nconst DB'));
    const served = new Function(`return ${source}`)() as typeof outboxStep;
    expect(served(pending, { network: true, status: 409, code: 'CASE_STATE', message: 'x' }).state).toBe('conflict');
  });
});

describe('queueSteps', () => {
  it.each<[string[], string[]]>([
    [['visit', 'refuse'], ['入户核实']],
    [['objection', 'refuse'], []],
    [['objection', 'town_review', 'refuse'], ['乡镇审核']],
    [['village_review', 'refuse'], ['村级评议']],
    [['decide'], ['县级审定']],
    [[], []],
  ])('%j → %j', (allowed, steps) => {
    expect(queueSteps(allowed)).toEqual(steps);
  });
});
