import { createLogger } from '../lib/log';
import { PHONE_PORT_MESSAGE, type PhonePortMessage } from '../phone/phone-port';

const log = createLogger('seat.phone.host');

/** The desk UI's page, next to the host's own. */
export const DESK_PAGE = 'desk.html';

/**
 * Puts the desk UI (desk.html) in a full-size frame of the phone host and hands it a
 * fresh phone port each time a desk page loads in it: the first time, after a reload,
 * after it was navigated away and back. A load of anything else (about:blank, a page of
 * another origin) gets no port. The frame keeps the host's query (`?desk=` override).
 */
export function embedDesk(
  doc: Document,
  onDeskPort: (port: MessagePort) => void,
): HTMLIFrameElement {
  const frame = doc.createElement('iframe');
  frame.id = 'desk';
  frame.name = 'desk';
  frame.title = '12345 Hotline Desk';
  frame.allow = 'microphone; camera; speaker-selection; autoplay';
  frame.className = 'desk-frame';
  frame.addEventListener('load', () => handOverPort(frame, onDeskPort));
  frame.src = DESK_PAGE + doc.location.search;
  doc.body.append(frame);
  return frame;
}

function handOverPort(frame: HTMLIFrameElement, onDeskPort: (port: MessagePort) => void): void {
  const target = frame.contentWindow;
  if (!target || !isDeskPage(frame)) {
    log.warn('The desk frame loaded something other than the desk page; it gets no phone.');
    return;
  }
  const channel = new MessageChannel();
  onDeskPort(channel.port1);
  const message: PhonePortMessage = { type: PHONE_PORT_MESSAGE };
  target.postMessage(message, frame.ownerDocument.location.origin, [channel.port2]);
  log.info('The desk page loaded; handed it a phone port.');
}

/** Same origin and the desk's path; reading another origin's location throws. */
function isDeskPage(frame: HTMLIFrameElement): boolean {
  try {
    const url = frame.contentWindow?.location;
    if (!url || url.origin !== frame.ownerDocument.location.origin) return false;
    return url.pathname.endsWith('/' + DESK_PAGE);
  } catch {
    return false;
  }
}
