import { useEffect } from 'react';
import { readKey, type KeyPress, type ShortcutAction } from '../lib/shortcuts';
import type { DeskStore } from '../store/create-store';
import { callOnCard } from '../store/phone-slice';
import { useDeskStore } from '../store/use-desk';

/**
 * Acts on a key press at the desk; true when it was a shortcut or a dial pad key (the
 * caller then stops the browser's own handling). Shortcuts that do not apply now (hold
 * with no call, answer with nothing ringing) do nothing and let the key through.
 */
export function handleDeskKey(press: KeyPress, store: DeskStore): boolean {
  const meaning = readKey(press);
  if (!meaning) return false;
  const s = store.getState();
  if (s.phase !== 'signed-in') return false;
  const call = callOnCard(s);
  const live = call !== null && call.phase !== 'ended';

  if ('digit' in meaning) {
    if (live && call.phase === 'active') void s.sendDtmf(meaning.digit);
    else if (!live) s.setDialNumber(s.dialNumber + meaning.digit);
    else return false;
    return true;
  }

  const act: Record<ShortcutAction, () => boolean> = {
    answer: () => call?.phase === 'ringing' && run(s.answer(call.callId)),
    hangup: () => live && run(s.hangup(call.callId)),
    hold: () => call?.phase === 'active' && run(s.toggleHold(call.callId)),
    mute: () => call?.phase === 'active' && run(s.toggleMute(call.callId)),
    transfer: () => call?.phase === 'active' && s.openTransfer(call.callId),
    ready: () => !s.agentStateBusy && run(s.setAgentState('ready')),
    'not-ready': () => !s.agentStateBusy && run(s.setAgentState('not-ready')),
    help: () => {
      s.toggleOverlay('shortcuts');
      return true;
    },
  };
  if (meaning.shortcut.disabled) return false;
  return act[meaning.shortcut.action]();
}

function run(action: Promise<unknown>): true {
  void action;
  return true;
}

/** Listens for the desk's shortcuts on the whole window while the desk is shown. */
export function useDeskShortcuts(): void {
  const store = useDeskStore();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (handleDeskKey(event, store)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
