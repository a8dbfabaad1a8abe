import type { MessageKey } from '../i18n/messages';
import { useT } from '../i18n/use-t';
import { SHORTCUTS, type ShortcutAction } from '../lib/shortcuts';
import { Overlay } from './Overlay';

const ACTION_KEYS = {
  answer: 'shortcuts.answer',
  hangup: 'shortcuts.hangup',
  hold: 'shortcuts.hold',
  mute: 'shortcuts.mute',
  transfer: 'shortcuts.transfer',
  ready: 'shortcuts.ready',
  'not-ready': 'shortcuts.notReady',
  help: 'shortcuts.help',
} as const satisfies Record<ShortcutAction, MessageKey>;

/** Every shortcut with its keys, in the UI language; one not working yet says so. */
export function ShortcutsHelp() {
  const { t } = useT();
  return (
    <Overlay title={t('shortcuts.title')} testId="shortcuts">
      <p className="overlay__hint">{t('shortcuts.hint')}</p>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr
              key={s.action}
              data-testid="shortcut"
              data-action={s.action}
              data-disabled={String(Boolean(s.disabled))}
              className={s.disabled ? 'is-disabled' : undefined}
            >
              <th scope="row">
                {t(ACTION_KEYS[s.action])}
                {s.disabled && <span className="pill pill--flag">{t('call.notYet')}</span>}
              </th>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
            </tr>
          ))}
          <tr data-testid="shortcut" data-action="dial-pad" data-disabled="false">
            <th scope="row">{t('shortcuts.dialPad')}</th>
            <td>
              <kbd>0–9 * #</kbd>
            </td>
          </tr>
        </tbody>
      </table>
    </Overlay>
  );
}
