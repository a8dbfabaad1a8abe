import { useT } from '../i18n/use-t';
import { useDesk } from '../store/use-desk';
import { KbPanel } from './KbPanel';
import { OrderForm } from './OrderForm';
import { PhonePanel } from './PhonePanel';
import { CentreView } from './CentreView';
import { DevicesPanel } from './DevicesPanel';
import { useDeskShortcuts } from './keyboard';
import { PhoneNotices } from './PhoneNotices';
import { ShortcutsHelp } from './ShortcutsHelp';
import { SeatNotices } from './SeatNotices';
import { SyncStrip } from './SyncStrip';
import { TopBar } from './TopBar';
import { TransferDialog } from './TransferDialog';

/** One window, no scrolling at 1366x768: phone left, pop over the order centre, KB right. */
export function Desk() {
  useDeskShortcuts();
  const overlay = useDesk((s) => s.overlay);
  return (
    <div className="desk">
      <TopBar />
      <SyncStrip />
      <SeatNotices />
      <LinkBanner />
      <PhoneNotices />
      <main className="desk__main">
        <PhonePanel />
        <div className="column column--centre">
          <CentreView />
          <OrderForm />
        </div>
        <KbPanel />
      </main>
      {overlay === 'devices' && <DevicesPanel />}
      {overlay === 'shortcuts' && <ShortcutsHelp />}
      {overlay === 'transfer' && <TransferDialog />}
    </div>
  );
}

/** Says when the seat core or the PBX is out of reach, and what still works. */
function LinkBanner() {
  const { t } = useT();
  const seatLinkUp = useDesk((s) => s.seatLinkUp);
  const registration = useDesk((s) => s.registration);
  if (!seatLinkUp) {
    return (
      <div className="banner banner--bad" role="alert" data-testid="seat-link">
        {t('link.seatDown')}
      </div>
    );
  }
  if (registration === 'failed' || registration === 'unregistered') {
    return (
      <div className="banner banner--warn" role="status" data-testid="pbx-down">
        {t('link.pbxDown')}
      </div>
    );
  }
  return null;
}
