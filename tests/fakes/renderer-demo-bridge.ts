/**
 * FAKE, for screenshots and hand checks of the renderer only: not the seat host, not a
 * PBX. It serves renderer/dist, answers the desk API on /desk with made-up sample data,
 * and plays a toy SIP registrar on /sip that accepts any REGISTER and can ring the seat
 * with an INVITE carrying the hub's X-Hotline-* headers (no media; answering goes nowhere).
 *
 *   npx tsx tests/fakes/renderer-demo-bridge.ts [--port 7788]
 *       then open http://127.0.0.1:7788/ and GET /demo/ring to make the seat ring
 *   npx tsx tests/fakes/renderer-demo-bridge.ts --screenshots docs
 *       builds nothing: takes screenshots of an existing build (npm run build:renderer)
 *
 * Sign in with any account; account "hub-down" signs in offline with a backlog stuck
 * (the sync strip's error, retry and progress bar); password "wrong" is refused, account "offline" gets
 * hub-unreachable. HOTLINE_DEMO_SIP_WS and HOTLINE_DEMO_SIP_DOMAIN point the seat's phone at
 * a real PBX instead of the toy registrar (for a hand check of calls with media).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type {
  DeskErrorCode,
  DeskEvent,
  DeskEventPayload,
  DeskMethod,
  DeskResult,
  LocalConflict,
  LocalOrder,
  RejectedMutation,
  SeatStatus,
  Session,
  SyncStatus,
} from '../../shared/desk-api.js';
import type { KbHit } from '../../shared/hub-api.js';
import type { HubOrder, OrderChanges, OrderDraft, OrderInput } from '../../shared/order.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const DIST = resolve(here, '../../renderer/dist');
const CALLER = '13800138000';

// ---------- sample data (invented) ----------

const daysAgo = (n: number, hour = 10) => {
  const d = new Date();
  d.setDate(d.getDate() - n);
  d.setHours(hour, 12, 0, 0);
  return d.toISOString();
};

const pastOrder = (o: Partial<HubOrder> & Pick<HubOrder, 'orderNo'>): HubOrder => ({
  clientOrderId: null,
  type: 'consultation',
  category: 'social-insurance',
  territory: 'NC',
  summary: '',
  citizenName: '陈先生',
  citizenAddress: '',
  callerNumber: CALLER,
  state: 'closed',
  createdAt: daysAgo(30),
  deadline: null,
  lastReply: null,
  assignedTo: null,
  version: 1,
  ...o,
});

const HISTORY: HubOrder[] = [
  pastOrder({
    orderNo: 'DG20261128000412',
    type: 'complaint',
    category: 'social-insurance',
    territory: 'NC',
    state: 'dispatched',
    createdAt: daysAgo(8),
    deadline: daysAgo(1),
    summary: '反映所在公司连续三个月未为其缴纳社会保险，要求核查并督促补缴。',
  }),
  pastOrder({
    orderNo: 'DG20261115002281',
    type: 'consultation',
    category: 'social-insurance',
    territory: 'NC',
    state: 'answered',
    createdAt: daysAgo(19),
    summary: '咨询灵活就业人员参保缴费档次及办理渠道，已按知识库解答。',
  }),
  pastOrder({
    orderNo: 'DG20261020001907',
    type: 'help',
    category: 'wage-arrears',
    territory: 'DC',
    state: 'replied',
    createdAt: daysAgo(45),
    deadline: daysAgo(38),
    summary: '原工作单位拖欠工资约八千元，求助劳动监察部门协调。',
  }),
  pastOrder({
    orderNo: 'DG20260903000655',
    type: 'suggestion',
    category: 'traffic',
    territory: 'NC',
    state: 'closed',
    createdAt: daysAgo(92),
    summary: '建议在鸿福路与元美路交叉口增设行人过街信号灯。',
  }),
  pastOrder({
    orderNo: 'DG20260611003318',
    type: 'consultation',
    category: 'housing-fund',
    territory: 'NC',
    state: 'closed',
    createdAt: daysAgo(176),
    summary: '咨询住房公积金提取用于支付房租的条件与材料。',
  }),
];

const KB: KbHit[] = [
  {
    id: 'kb-si-0142',
    title: '用人单位未依法缴纳社会保险费，职工如何维权？',
    category: 'social-insurance',
    snippet:
      '职工可向参保地<mark>社会保险</mark>经办机构或人力资源和社会保障部门投诉举报，提供劳动合同、工资流水等材料…',
    answer:
      '1. 职工可向用人单位所在地的人力资源和社会保障部门（劳动保障监察机构）投诉，或向社会保险经办机构举报。\n2. 需提供：身份证、劳动合同或其他劳动关系证明、工资发放记录。\n3. 经核实后，由社保部门责令用人单位限期补缴，逾期按日加收滞纳金。\n4. 办理渠道：“粤省事”小程序、广东政务服务网或各镇街人社分局窗口。',
    score: 0.92,
  },
  {
    id: 'kb-si-0088',
    title: '社保断缴后如何补缴？',
    category: 'social-insurance',
    snippet:
      '因用人单位原因<mark>断缴</mark>的，由用人单位申请补缴；个人参保的，可在规定期限内通过线上渠道补缴…',
    answer:
      '因单位原因断缴的，由单位携相关材料到社保经办机构申请补缴；以灵活就业身份参保的，可在次月底前通过“粤税通”或“粤省事”补缴。补缴后缴费年限连续计算。',
    score: 0.81,
  },
  {
    id: 'kb-si-0201',
    title: '如何查询个人社保缴费记录？',
    category: 'social-insurance',
    snippet:
      '可通过“粤省事”“广东人社”App、国家<mark>社会保险</mark>公共服务平台或自助终端查询个人参保缴费明细…',
    answer:
      '线上：“粤省事”小程序 → 社保 → 参保缴费记录；或“广东人社”App、国家社会保险公共服务平台。\n线下：携身份证到任一镇街人社分局自助终端打印。',
    score: 0.74,
  },
  {
    id: 'kb-hf-0031',
    title: '住房公积金租房提取的条件',
    category: 'housing-fund',
    snippet: '职工本人及配偶在东莞无自有住房且租房自住的，可按规定额度提取住房公积金支付房租…',
    answer: '本人及配偶在本市无自有住房且租房自住的，可每年提取一次，额度按本市规定执行。',
    score: 0.66,
  },
];

// ---------- desk API ----------

interface DeskState {
  session: Session | null;
  orders: LocalOrder[];
  hubSeq: number;
  drafts: Map<string, { draft: OrderDraft; savedAt: string }>;
  conflicts: LocalConflict[];
  rejected: RejectedMutation[];
  seat: SeatStatus;
}

const desk: DeskState = {
  session: null,
  orders: [],
  hubSeq: 600,
  drafts: new Map(),
  conflicts: [],
  rejected: [],
  seat: { seatId: 'demo-seat', keySource: 'os', unlocked: true, offlineSignIn: true, notices: [] },
};

/** One order assigned by the hub with a field in conflict, and one refused new order. */
function sampleOutcomes() {
  const assigned: LocalOrder = {
    localId: randomUUID(),
    status: 'synced',
    orderNo: 'DG20261128000412',
    rejectReason: null,
    origin: 'hub',
    createdAt: daysAgo(8),
    input: {
      type: 'complaint',
      category: 'social-insurance',
      territory: 'NC',
      summary: '反映所在公司连续三个月未为其缴纳社会保险，要求核查并督促补缴。',
      citizenName: '陈先生',
      citizenAddress: '南城街道鸿福路 88 号',
      callerNumber: CALLER,
    },
    hub: {
      version: 4,
      state: 'dispatched',
      createdAt: daysAgo(8),
      deadline: daysAgo(-2),
      lastReply: '已转市人力资源局南城分局核查，预计三个工作日内回复。',
      assignedTo: 'gh0137',
    },
    pendingEdits: 0,
    openConflicts: 1,
  };
  const refused: LocalOrder = {
    localId: randomUUID(),
    status: 'rejected',
    orderNo: null,
    rejectReason: 'territory: XX is not a territory of Dongguan',
    origin: 'seat',
    createdAt: daysAgo(0, 9),
    input: {
      type: 'consultation',
      category: 'housing-fund',
      territory: 'NC',
      summary: '咨询住房公积金租房提取额度。',
      citizenName: '王女士',
      citizenAddress: '',
      callerNumber: '13900139000',
    },
    hub: null,
    pendingEdits: 0,
    openConflicts: 0,
  };
  desk.orders = [refused, assigned];
  desk.conflicts = [
    {
      conflictId: 'cf-1',
      localId: assigned.localId,
      orderNo: 'DG20261128000412',
      field: 'citizenAddress',
      seatValue: '南城街道鸿福路 88 号',
      hubValue: '南城街道鸿福路 86 号 2 栋',
      hubChangedBy: 'lead01',
      seatId: 'demo-seat',
      mutationId: randomUUID(),
      detectedAt: daysAgo(0, 9),
      resolution: null,
    },
  ];
  desk.rejected = [
    {
      mutationId: randomUUID(),
      name: 'order.create',
      localId: refused.localId,
      orderNo: null,
      code: 'invalid',
      reason: 'territory: XX is not a territory of Dongguan',
      at: daysAgo(0, 9),
    },
  ];
}
const deskSockets = new Set<WebSocket>();

class FakeError extends Error {
  constructor(
    readonly code: DeskErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function emit<E extends DeskEvent>(event: E, payload: DeskEventPayload<E>) {
  const frame = JSON.stringify({ event, payload });
  for (const socket of deskSockets) socket.send(frame);
}

/** Account "hub-down" signs in offline: the hub stays away, a backlog waits to go out. */
let hubDown = false;

function syncStatus(): SyncStatus {
  if (hubDown) {
    return {
      hubReachable: false,
      pending: 1340,
      rejected: desk.rejected.length,
      conflicts: desk.conflicts.length,
      syncing: false,
      lastSuccessAt: new Date(Date.now() - 25 * 60_000).toISOString(),
      lastError: 'connect ECONNREFUSED 10.20.0.5:8443',
      nextRetryAt: new Date(Date.now() + 14_000).toISOString(),
      catchUp: { total: 2000, done: 660 },
    };
  }
  return {
    hubReachable: true,
    pending: desk.orders.filter((o) => o.status === 'pending').length,
    rejected: desk.rejected.length,
    conflicts: desk.conflicts.length,
    syncing: false,
    lastSuccessAt: new Date(Date.now() - 40_000).toISOString(),
    lastError: null,
    nextRetryAt: null,
    catchUp: null,
  };
}

function handleDesk(method: DeskMethod, params: Record<string, unknown>, host: string): unknown {
  switch (method) {
    case 'session.get':
      return desk.session;
    case 'session.login': {
      const { account, password, extension } = params as Record<string, string>;
      if (account === 'offline') throw new FakeError('hub-unreachable', 'hub did not answer');
      if (password === 'wrong') throw new FakeError('bad-credentials', 'wrong password');
      desk.session = {
        agent: {
          id: 'a-1',
          account: account ?? 'demo',
          name: '李敏',
          role: 'agent',
          extension: extension ?? '1001',
          queues: ['general', 'enterprise'],
        },
        sip: {
          wsUrl: process.env.HOTLINE_DEMO_SIP_WS ?? `ws://${host}/sip`,
          domain: process.env.HOTLINE_DEMO_SIP_DOMAIN ?? 'hotline.local',
          user: extension ?? '1001',
          displayName: '李敏',
        },
        offline: account === 'hub-down',
      };
      hubDown = account === 'hub-down';
      sampleOutcomes();
      return desk.session;
    }
    case 'session.logout':
      desk.session = null;
      return {};
    case 'agent.setState': {
      const state = params.state as DeskResult<'agent.setState'>['state'];
      return { state };
    }
    case 'call.event':
      console.log(`call.event ${String(params.event)} ${String(params.callId)}`);
      return {};
    case 'pop.lookup':
      return {
        number: String(params.callerNumber),
        history: {
          number: String(params.callerNumber),
          orders: HISTORY,
          calls: [1, 2, 3].map((i) => ({
            callId: `past-${i}`,
            at: daysAgo(i * 7),
            queue: 'general',
            waitMs: 8000 * i,
            outcome: 'answered' as const,
            agentExtension: '1002',
          })),
          total: HISTORY.length,
        },
        historyError: null,
        topic: 'social-insurance',
        kb: { query: '社会保险', hits: KB.slice(0, 3), confident: true },
        localOrders: desk.orders.filter((o) => o.input.callerNumber === params.callerNumber),
      } satisfies DeskResult<'pop.lookup'>;
    case 'kb.search': {
      const q = String(params.q);
      const hits = KB.filter((h) => (h.title + h.answer).includes(q.slice(0, 2)));
      return { query: q, hits, confident: hits.length > 0, offline: false };
    }
    case 'order.save': {
      const input = params.order as OrderInput;
      const order: LocalOrder = {
        localId: randomUUID(),
        status: 'pending',
        orderNo: null,
        rejectReason: null,
        origin: 'seat',
        createdAt: new Date().toISOString(),
        input,
        hub: null,
        pendingEdits: 0,
        openConflicts: 0,
      };
      desk.orders.unshift(order);
      if (typeof params.draftSlot === 'string') desk.drafts.delete(params.draftSlot);
      setTimeout(() => emit('sync.status', syncStatus()), 50);
      setTimeout(() => {
        order.status = 'synced';
        order.orderNo = `DG20261204000${++desk.hubSeq}`;
        emit('order.updated', order);
        emit('sync.status', syncStatus());
      }, 2500);
      return order;
    }
    case 'order.update': {
      const order = desk.orders.find((o) => o.localId === params.localId);
      if (!order) throw new FakeError('not-found', `no order ${String(params.localId)}`);
      Object.assign(order.input, params.changes as OrderChanges);
      if (typeof params.draftSlot === 'string') desk.drafts.delete(params.draftSlot);
      return order;
    }
    case 'order.get':
      return desk.orders.find((o) => o.localId === params.localId) ?? null;
    case 'order.list':
      return desk.orders;
    case 'draft.save':
      desk.drafts.set(String(params.slot), {
        draft: params.draft as OrderDraft,
        savedAt: new Date().toISOString(),
      });
      return {};
    case 'draft.get':
      return desk.drafts.get(String(params.slot)) ?? null;
    case 'draft.discard':
      desk.drafts.delete(String(params.slot));
      return {};
    case 'conflict.list':
      return desk.conflicts;
    case 'conflict.resolve': {
      const conflict = desk.conflicts.find((c) => c.conflictId === params.conflictId);
      if (!conflict) throw new FakeError('not-found', `no conflict ${String(params.conflictId)}`);
      desk.conflicts = desk.conflicts.filter((c) => c !== conflict);
      const order = desk.orders.find((o) => o.localId === conflict.localId);
      if (order) order.openConflicts = Math.max(0, order.openConflicts - 1);
      setTimeout(() => {
        emit('conflicts.changed', { open: desk.conflicts.length });
        emit('sync.status', syncStatus());
      }, 50);
      return {};
    }
    case 'sync.rejected':
      return desk.rejected;
    case 'sync.dismiss': {
      const refusal = desk.rejected.find((r) => r.mutationId === params.mutationId);
      desk.rejected = desk.rejected.filter((r) => r !== refusal);
      if (refusal?.name === 'order.create') {
        desk.orders = desk.orders.filter((o) => o.localId !== refusal.localId);
      }
      return {};
    }
    case 'seat.status':
      return desk.seat;
    case 'seat.dismissNotice':
      desk.seat.notices = desk.seat.notices.filter((n) => n.id !== params.id);
      return {};
    case 'sync.status':
    case 'sync.now':
      return syncStatus();
  }
}

// ---------- toy SIP registrar ----------

let seatSip: WebSocket | null = null;
let seatAor = 'sip:1001@hotline.local';

function header(message: string, name: string): string {
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(message);
  return match?.[1]?.trim() ?? '';
}

function handleSip(socket: WebSocket, text: string) {
  if (!text.trim()) return;
  const [startLine = ''] = text.split('\r\n');
  if (startLine.startsWith('SIP/2.0')) return; // the seat's 100/180/486: nothing to do
  const method = startLine.split(' ')[0];
  if (method === 'ACK') return;

  const to = header(text, 'To');
  const reply = [
    'SIP/2.0 200 OK',
    `Via: ${header(text, 'Via')}`,
    `From: ${header(text, 'From')}`,
    `To: ${to}${to.includes('tag=') ? '' : ';tag=fake' + Date.now()}`,
    `Call-ID: ${header(text, 'Call-ID')}`,
    `CSeq: ${header(text, 'CSeq')}`,
  ];
  if (method === 'REGISTER') {
    seatSip = socket;
    seatAor = /<([^>]+)>/.exec(to)?.[1] ?? seatAor;
    reply.push(`Contact: ${header(text, 'Contact')};expires=300`, 'Expires: 300');
  }
  reply.push('Content-Length: 0', '', '');
  socket.send(reply.join('\r\n'));
}

function ring(caller: string, queue: string, waitMs: number): string {
  const callId = `demo-${randomUUID()}`;
  emit('call.offered', { callId, caller, queue, waitMs });
  setTimeout(() => {
    if (!seatSip) return;
    const invite = [
      `INVITE ${seatAor} SIP/2.0`,
      `Via: SIP/2.0/WS fake.invalid;branch=z9hG4bK${randomUUID().slice(0, 8)}`,
      'Max-Forwards: 70',
      `From: <sip:${caller}@hotline.local>;tag=${randomUUID().slice(0, 8)}`,
      `To: <${seatAor}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:${caller}@fake.invalid;transport=ws>`,
      `X-Hotline-Queue: ${queue}`,
      `X-Hotline-Wait-Ms: ${waitMs}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    seatSip.send(invite);
  }, 80);
  return callId;
}

// ---------- HTTP ----------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function serve(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/demo/ring') {
    const callId = ring(
      url.searchParams.get('caller') ?? CALLER,
      url.searchParams.get('queue') ?? 'general',
      Number(url.searchParams.get('waitMs') ?? 23400),
    );
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ callId }));
    return;
  }
  const path = normalize(url.pathname === '/' ? '/index.html' : url.pathname);
  const file = join(DIST, path);
  if (!file.startsWith(DIST) || !existsSync(file)) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
}

export async function startDemoBridge(port: number) {
  const server = createServer(serve);
  const deskWss = new WebSocketServer({ noServer: true });
  const sipWss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });

  deskWss.on('connection', (socket, req) => {
    deskSockets.add(socket);
    socket.on('close', () => deskSockets.delete(socket));
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as {
        id: number;
        method: DeskMethod;
        params: Record<string, unknown>;
      };
      try {
        const result = handleDesk(frame.method, frame.params, req.headers.host ?? '');
        socket.send(JSON.stringify({ id: frame.id, ok: true, result }));
      } catch (error) {
        const e = error as FakeError;
        socket.send(
          JSON.stringify({ id: frame.id, ok: false, error: { code: e.code, message: e.message } }),
        );
      }
    });
  });
  sipWss.on('connection', (socket) => socket.on('message', (d) => handleSip(socket, String(d))));

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const wss = path === '/desk' ? deskWss : path === '/sip' ? sipWss : null;
    if (!wss) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

// ---------- screenshots ----------

async function screenshots(outDir: string) {
  const { chromium } = await import('playwright-core');
  const bridge = await startDemoBridge(0);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    page.on('console', (m) => m.type() === 'error' && console.log('page:', m.text()));
    await page.goto(bridge.url);
    await page.getByTestId('login-account').waitFor();
    await page.getByTestId('login-account').fill('offline');
    await page.getByTestId('login-password').fill('secret');
    await page.getByTestId('login-extension').fill('1001');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await page.screenshot({ path: join(outDir, 'screenshot-signin.png') });

    await page.getByTestId('login-account').fill('gh0137');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="reg-status"][data-state="registered"]').waitFor();
    await page.getByTestId('state-ready').click();
    await page.screenshot({ path: join(outDir, 'screenshot-desk-idle.png') });

    await fetch(`${bridge.url}demo/ring`);
    await page.locator('[data-testid="pop"][data-state="ready"]').waitFor();
    await page.locator('[data-testid="call-state"][data-state="ringing"]').waitFor();
    await page.getByTestId('order-territory').selectOption('NC');
    await page.getByTestId('order-type').selectOption('complaint');
    await page.getByTestId('order-name').fill('陈先生');
    await page.getByTestId('order-address').fill('南城街道鸿福路 88 号');
    await page
      .getByTestId('order-summary')
      .fill(
        '来电反映所在公司自九月起未为其缴纳社会保险，此前已投诉一次（DG20261128000412），尚未办结，要求加快核查。',
      );
    await page.getByTestId('kb-expand').first().click();
    await page.waitForTimeout(1300);
    await page.screenshot({ path: join(outDir, 'screenshot-desk.png') });

    await page.getByTestId('lang-en').click();
    await page.screenshot({ path: join(outDir, 'screenshot-desk-en.png') });
    await page.getByTestId('lang-zh-CN').click();

    await page.getByTestId('order-save').click();
    await page.locator('[data-testid="order-status"][data-status="synced"]').waitFor();
    await page.screenshot({ path: join(outDir, 'screenshot-desk-saved.png') });

    for (const view of ['orders', 'conflicts', 'rejected']) {
      await page.getByTestId(`tab-${view}`).click();
      await page.screenshot({ path: join(outDir, `screenshot-desk-${view}.png`) });
    }

    await page.getByTestId('logout').click();
    await page.getByTestId('login-account').fill('hub-down');
    await page.getByTestId('login-password').fill('secret');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('session-offline').waitFor();
    await page.getByTestId('sync-progress').waitFor();
    await page.screenshot({ path: join(outDir, 'screenshot-desk-offline.png') });
    await page.getByTestId('lang-en').click();
    await page.screenshot({ path: join(outDir, 'screenshot-desk-offline-en.png') });
    await page.getByTestId('lang-zh-CN').click();
  } finally {
    await browser.close();
    await bridge.close();
  }
}

// ---------- main ----------

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const shotDir = flag('--screenshots');
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error('renderer/dist is missing: run npm run build:renderer first.');
    process.exit(1);
  }
  if (shotDir) {
    await screenshots(resolve(shotDir));
    console.log(`Screenshots written to ${resolve(shotDir)}.`);
  } else {
    const bridge = await startDemoBridge(Number(flag('--port') ?? 7788));
    console.log(`FAKE desk bridge (demo data) at ${bridge.url}; GET /demo/ring rings the seat.`);
  }
}
