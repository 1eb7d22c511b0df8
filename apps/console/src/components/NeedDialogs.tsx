import type { CommandResult, Commitment, Delivery, Need } from '../api';
import { CommitDialog } from './CommitDialog';
import { DeliverDialog } from './DeliverDialog';
import { NoteDialog } from './NoteDialog';
import { ReasonDialog } from './ReasonDialog';

export type Dialog =
  | { type: 'commit' }
  | { type: 'accept'; commitment: Commitment }
  | { type: 'decline'; commitment: Commitment }
  | { type: 'withdrawCommitment'; commitment: Commitment }
  | { type: 'deliver'; commitment: Commitment }
  | { type: 'confirm'; commitment: Commitment; delivery: Delivery }
  | { type: 'publish' }
  | { type: 'fulfil' }
  | { type: 'close' }
  | { type: 'withdrawNeed' };

export interface DialogProps {
  need: Need;
  dialog: Dialog;
  onClose: () => void;
  onDone: (result: CommandResult) => void;
}

/** The dialog of a need's command: to commit, deliver, decide on a commitment, or move the need on. */
export function NeedDialog(props: DialogProps) {
  switch (props.dialog.type) {
    case 'commit':
      return <CommitDialog {...props} />;
    case 'deliver':
      return <DeliverDialog {...props} />;
    case 'decline':
    case 'withdrawCommitment':
    case 'withdrawNeed':
      return <ReasonDialog {...props} />;
    default:
      return <NoteDialog {...props} />;
  }
}
