import { createLogger, describeError } from '../lib/log';
import type { PhoneControl } from '../phone/phone-types';
import { hostLang } from './host-text';
import type { LeaseLoss } from './phone-lease-client';
import './seat-window.css';

const log = createLogger('seat.phone.host');

/** What the phone host page shows in place of the desk when another window has the phone. */
export type ElsewhereReason = LeaseLoss | 'taking-over';

/** The page's side of it: the desk frame and the notice that stands in for it. */
export interface SeatWindowView {
  /** Puts the desk in its frame (a fresh one when it was taken away). */
  showDesk(): void;
  /** Takes the desk frame away, so this window's desk does nothing for the seat. */
  hideDesk(): void;
  showElsewhere(reason: ElsewhereReason): void;
  hideElsewhere(): void;
}

/**
 * One window of a web seat runs the phone (shared/phone-lease.ts): this page's desk and
 * phone run while the seat host's lease says so. When another window has the phone this
 * one shows why and offers to take over; when another window takes over, this one takes
 * its desk away, stops the phone (the engine's stop() unregisters, so the seat's one SIP
 * Contact stays with the new window) and only then lets the seat host hand the phone on.
 */
export class SeatWindow {
  constructor(
    private readonly engine: Pick<PhoneControl, 'stop'>,
    private readonly lease: { takeOver(): void; released(): void },
    private readonly view: SeatWindowView,
  ) {}

  onGranted(): void {
    this.view.hideElsewhere();
    this.view.showDesk();
  }

  async onLost(reason: LeaseLoss): Promise<void> {
    this.view.hideDesk();
    this.view.showElsewhere(reason);
    try {
      await this.engine.stop();
      log.info('The phone of this window has stopped; another window runs the seat phone.');
    } catch (error) {
      log.warn(`The phone of this window did not stop cleanly: ${describeError(error)}.`);
    }
    if (reason === 'taken-over') this.lease.released();
  }

  /** The agent chose to use the seat in this window. */
  takeOver(): void {
    log.info('The agent takes the seat phone over into this window.');
    this.view.showElsewhere('taking-over');
    this.lease.takeOver();
  }
}

const TEXT = {
  'zh-CN': {
    busyTitle: '此坐席已在另一个窗口中打开',
    busyBody:
      '同一坐席只能在一个窗口中使用话机，本窗口没有启动话机。请回到那个窗口继续工作，' +
      '或在此接管：那个窗口的话机会停止，其中的通话会挂断。',
    busyAction: '在此窗口使用',
    takenTitle: '本坐席已在另一个窗口中使用',
    takenBody: '另一个窗口接管了本坐席：本窗口的话机已停止，并已从呼叫平台注销。',
    takenAction: '改回在此窗口使用',
    taking: '正在接管…',
  },
  en: {
    busyTitle: 'This seat is already open in another window',
    busyBody:
      'Only one window of a seat runs the phone, so this one has not started it. Go back ' +
      'to that window, or take over here: the phone there stops, and a call there is hung up.',
    busyAction: 'Use this window',
    takenTitle: 'This seat is now used in another window',
    takenBody:
      'Another window took this seat over: the phone here has stopped and is signed off ' +
      'the PBX.',
    takenAction: 'Use this window again',
    taking: 'Taking over…',
  },
} as const;

/**
 * The web seat's view: the desk frame `embed` makes, and a notice in its place
 * (`data-testid="seat-elsewhere"`, `data-reason` = busy, taken-over, taking-over; its
 * button `seat-take-over`), worded in the desk's language.
 */
export function seatWindowView(
  doc: Document,
  embed: () => HTMLIFrameElement,
  onTakeOver: () => void,
): SeatWindowView {
  let frame: HTMLIFrameElement | null = null;
  let panel: HTMLElement | null = null;

  const render = (reason: ElsewhereReason) => {
    const text = TEXT[hostLang(doc)];
    panel?.remove();
    panel = doc.createElement('section');
    panel.className = 'seat-elsewhere';
    panel.dataset.testid = 'seat-elsewhere';
    panel.dataset.reason = reason;
    panel.setAttribute('role', 'alert');
    const title = doc.createElement('h1');
    const taken = reason === 'taken-over';
    title.textContent = taken ? text.takenTitle : text.busyTitle;
    const body = doc.createElement('p');
    body.textContent = taken ? text.takenBody : text.busyBody;
    const button = doc.createElement('button');
    button.type = 'button';
    button.dataset.testid = 'seat-take-over';
    button.disabled = reason === 'taking-over';
    button.textContent =
      reason === 'taking-over' ? text.taking : taken ? text.takenAction : text.busyAction;
    button.addEventListener('click', onTakeOver);
    panel.append(title, body, button);
    doc.body.append(panel);
    if (!button.disabled) button.focus();
  };

  return {
    showDesk() {
      frame ??= embed();
    },
    hideDesk() {
      frame?.remove();
      frame = null;
    },
    showElsewhere: render,
    hideElsewhere() {
      panel?.remove();
      panel = null;
    },
  };
}
