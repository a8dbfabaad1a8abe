import { useState } from 'react';
import type { MessageKey } from '../i18n/messages';
import type { Translate } from '../i18n/translate';
import { useT } from '../i18n/use-t';
import type { DevicePrefs, DtmfMode, MediaDeviceChoice, RingTone } from '../phone/phone-types';
import { useDesk } from '../store/use-desk';
import { Overlay } from './Overlay';

const TONES = ['classic', 'soft', 'beep'] as const satisfies readonly RingTone[];
const TONE_KEYS = {
  classic: 'devices.tone.classic',
  soft: 'devices.tone.soft',
  beep: 'devices.tone.beep',
} as const satisfies Record<RingTone, MessageKey>;

/** '' is no choice of the agent's: the centre's mode (RFC 4733 unless it says otherwise). */
const DTMF_KEYS = {
  '': 'devices.dtmf.centre',
  rfc4733: 'devices.dtmf.rfc4733',
  info: 'devices.dtmf.info',
} as const satisfies Record<DtmfMode | '', MessageKey>;
const DTMF_CHOICES = Object.keys(DTMF_KEYS) as (DtmfMode | '')[];

/**
 * Microphone, speaker and ring device, ring tone and volume, and how DTMF is sent (issue
 * 5: RFC 4733 by default, SIP INFO as an option); the engine remembers them per seat.
 */
export function DevicesPanel() {
  const { t } = useT();
  const devices = useDesk((s) => s.devices);
  const saved = useDesk((s) => s.devicePrefs);
  const error = useDesk((s) => s.devicesError);
  const saving = useDesk((s) => s.devicesSaving);
  const save = useDesk((s) => s.saveDevicePrefs);
  const testRing = useDesk((s) => s.testRing);
  const [ringFailed, setRingFailed] = useState(false);
  const [edit, setEdit] = useState<DevicePrefs | null>(null);
  const [done, setDone] = useState(false);
  const prefs = edit ?? saved;

  const change = (next: Partial<DevicePrefs>) => {
    if (!prefs) return;
    setEdit({ ...prefs, ...next });
    setDone(false);
  };
  const changeDtmf = (value: DtmfMode | '') => {
    if (!prefs) return;
    const { dtmf: _, ...rest } = prefs;
    setEdit(value ? { ...rest, dtmf: value } : rest);
    setDone(false);
  };
  const submit = async () => {
    if (!prefs) return;
    const ok = await save(prefs);
    setDone(ok);
    if (ok) setEdit(null);
  };

  return (
    <Overlay title={t('devices.title')} testId="devices">
      {!devices || !prefs ? (
        <p className="empty">{error ? t('devices.listFailed') : t('devices.loading')}</p>
      ) : (
        <form
          className="devices"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <DevicePicker
            t={t}
            id="device-microphone"
            label={t('devices.microphone')}
            choices={devices.microphones}
            value={prefs.microphoneId}
            onChange={(microphoneId) => change({ microphoneId })}
          />
          <DevicePicker
            t={t}
            id="device-speaker"
            label={t('devices.speaker')}
            choices={devices.speakers}
            value={prefs.speakerId}
            onChange={(speakerId) => change({ speakerId })}
          />
          <DevicePicker
            t={t}
            id="device-ringer"
            label={t('devices.ringer')}
            choices={devices.speakers}
            value={prefs.ringerId}
            onChange={(ringerId) => change({ ringerId })}
          />
          <label className="field">
            <span className="field__label">{t('devices.ringTone')}</span>
            <select
              className="input"
              data-testid="device-ring-tone"
              value={prefs.ringTone}
              onChange={(e) => change({ ringTone: e.target.value as RingTone })}
            >
              {TONES.map((tone) => (
                <option key={tone} value={tone}>
                  {t(TONE_KEYS[tone])}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">
              {t('devices.ringVolume')} {Math.round(prefs.ringVolume * 100)}%
            </span>
            <input
              type="range"
              min={0}
              max={100}
              step={5}
              data-testid="device-ring-volume"
              value={Math.round(prefs.ringVolume * 100)}
              onChange={(e) => change({ ringVolume: Number(e.target.value) / 100 })}
            />
          </label>
          <label className="field">
            <span className="field__label">{t('devices.dtmf')}</span>
            <select
              className="input"
              data-testid="device-dtmf"
              value={prefs.dtmf ?? ''}
              onChange={(e) => changeDtmf(e.target.value as DtmfMode | '')}
            >
              {DTMF_CHOICES.map((mode) => (
                <option key={mode} value={mode}>
                  {t(DTMF_KEYS[mode])}
                </option>
              ))}
            </select>
          </label>
          <div className="devices__actions">
            <button
              type="submit"
              className="btn btn--primary"
              data-testid="devices-save"
              disabled={saving}
            >
              {saving ? t('devices.saving') : t('devices.save')}
            </button>
            <button
              type="button"
              className="btn"
              data-testid="device-test-ring"
              onClick={() => void testRing(prefs).then((ok) => setRingFailed(!ok))}
            >
              {t('devices.testRing')}
            </button>
            <span aria-live="polite" data-testid="devices-status">
              {done ? t('devices.saved') : ''}
              {error ? (
                <span title={error}>
                  {ringFailed ? t('devices.testRingFailed') : t('devices.failed')}
                </span>
              ) : null}
            </span>
          </div>
        </form>
      )}
    </Overlay>
  );
}

function DevicePicker(props: {
  t: Translate;
  id: string;
  label: string;
  choices: MediaDeviceChoice[];
  value: string | null;
  onChange(value: string | null): void;
}) {
  const { t } = props;
  return (
    <label className="field">
      <span className="field__label">{props.label}</span>
      <select
        className="input"
        data-testid={props.id}
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value || null)}
      >
        <option value="">{t('devices.default')}</option>
        {props.choices.map((c, i) => (
          <option key={c.deviceId} value={c.deviceId}>
            {c.label || t('devices.unnamed', { n: i + 1 })}
          </option>
        ))}
      </select>
    </label>
  );
}
