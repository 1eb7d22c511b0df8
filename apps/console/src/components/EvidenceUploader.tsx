import { CameraOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Checkbox, Grid, Progress, Select, Space, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { ApiError, describeError, uploadEvidence } from '../api';
import { useI18n } from '../i18n';
import { formatBytes, shrinkPhoto } from '../photoShrink';

export interface UploadedFile {
  sha256: string;
  mediaType: string;
  name: string;
  visibility: 'public' | 'internal';
  /** What the browser sent when it shrank the photo first: its size before and after. */
  shrunk?: { from: number; to: number };
}

/** A photo kept on this device to be uploaded later with its command (taken without a network). */
export interface KeptFile {
  key: number;
  file: File;
  shrunk?: UploadedFile['shrunk'];
  /** Chosen before it is uploaded (on reconnect, by the outbox); internal unless the person makes it public. */
  visibility: UploadedFile['visibility'];
}

/** A file on its way: shrinking, uploading (with the share sent), waiting to try again, or failed. */
interface Pending {
  key: number;
  name: string;
  state: 'shrinking' | 'uploading' | 'waiting' | 'failed';
  fraction: number;
  attempt: number;
  error?: string;
}

/** Tries of one upload before it is shown as failed (a dropped mobile connection is tried again after 1 s, then 2 s). */
const ATTEMPTS = 3;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Uploads photos, scans and PDFs as they are chosen, or photos taken with the phone's camera (拍照);
 * photos are shrunk in the browser first unless their metadata is kept. Each file shows how much
 * of it was sent; a dropped connection is tried again by itself, then offered to 重试 by hand.
 * `files` is what the command will reference; `onPendingChange` tells the dialog how many are
 * still on their way (it does not submit before they arrive).
 */
export function EvidenceUploader({
  files,
  onChange,
  onPendingChange,
  keep,
}: {
  files: UploadedFile[];
  onChange: (files: UploadedFile[]) => void;
  onPendingChange?: (count: number) => void;
  /**
   * Where a file may wait for the network (a command that goes through the outbox): picked without
   * a network, or when its upload gets no answer, it is kept on this device and uploaded with the command.
   */
  keep?: { files: KeptFile[]; onChange: (files: KeptFile[]) => void };
}) {
  const { t, lang } = useI18n();
  const phone = !(Grid.useBreakpoint().md ?? true);
  const [keepMetadata, setKeepMetadata] = useState(false);
  const [pending, setPending] = useState<Pending[]>([]);
  // What each file sends, prepared when it was picked: the same bytes and the same metadata choice on every try.
  const toSend = useRef(new Map<number, { file: File; keepMetadata: boolean; shrunk?: UploadedFile['shrunk']; abort?: AbortController }>());
  const nextKey = useRef(1);
  // Uploads finish in any order: each adds to the latest list, not to the one it started with.
  const latest = useRef(files);
  latest.current = files;
  const latestKept = useRef(keep?.files ?? []);
  latestKept.current = keep?.files ?? [];
  /** Keeps the file of `key` for later, off the uploads' list. */
  const keepForLater = (key: number) => {
    const sending = toSend.current.get(key);
    if (!sending || !keep) return;
    const next: KeptFile[] = [...latestKept.current, { key, file: sending.file, visibility: 'internal', ...(sending.shrunk ? { shrunk: sending.shrunk } : {}) }];
    latestKept.current = next;
    keep.onChange(next);
    toSend.current.delete(key);
    update(key, null);
  };
  useEffect(() => onPendingChange?.(pending.length), [pending.length, onPendingChange]);
  // A closed dialog stops its uploads and their tries.
  useEffect(() => () => toSend.current.forEach((sending) => sending.abort?.abort()), []);

  const update = (key: number, change: Partial<Pending> | null) =>
    setPending((list) => (change === null ? list.filter((p) => p.key !== key) : list.map((p) => (p.key === key ? { ...p, ...change } : p))));

  const upload = async (key: number) => {
    const sending = toSend.current.get(key);
    if (!sending) return;
    const abort = new AbortController();
    sending.abort = abort;
    for (let attempt = 1; ; attempt++) {
      if (abort.signal.aborted) return;
      update(key, { state: 'uploading', fraction: 0, attempt, error: undefined });
      try {
        const answer = await uploadEvidence(sending.file, sending.keepMetadata, (fraction) => update(key, { fraction }), abort.signal);
        const next = [...latest.current.filter((f) => f.sha256 !== answer.sha256), { sha256: answer.sha256, mediaType: answer.mediaType, name: sending.file.name, visibility: 'internal' as const, ...(sending.shrunk ? { shrunk: sending.shrunk } : {}) }];
        latest.current = next;
        onChange(next);
        toSend.current.delete(key);
        update(key, null);
        return;
      } catch (e) {
        if (abort.signal.aborted) return; // cancelled: already gone from the list
        const network = e instanceof ApiError && e.network;
        // Offline: kept for the outbox at once. A dropped connection on a weak signal: tried again
        // (1 s, 2 s), then kept where the dialog can send it later, or offered 重试.
        if (network && keep && !navigator.onLine) return keepForLater(key);
        if (network && attempt < ATTEMPTS) {
          update(key, { state: 'waiting', error: t('uploadDropped', { s: 2 ** (attempt - 1) }) });
          await pause(1000 * 2 ** (attempt - 1));
          continue;
        }
        if (network && keep) return keepForLater(key);
        update(key, { state: 'failed', error: describeError(e, lang).message });
        return;
      }
    }
  };

  /** Stops a file's upload (or its next try) and takes it off the list. */
  const cancel = (key: number) => {
    toSend.current.get(key)?.abort?.abort();
    toSend.current.delete(key);
    update(key, null);
  };

  const choose = async (file: File) => {
    const key = nextKey.current++;
    setPending((list) => [...list, { key, name: file.name, state: 'shrinking', fraction: 0, attempt: 0 }]);
    const keepMeta = keepMetadata;
    const shrunk = keepMeta ? file : await shrinkPhoto(file);
    toSend.current.set(key, { file: shrunk, keepMetadata: keepMeta, ...(shrunk !== file ? { shrunk: { from: file.size, to: shrunk.size } } : {}) });
    if (!navigator.onLine && keep) return keepForLater(key);
    await upload(key);
  };

  const picker = (capture: boolean) => (
    <Upload
      accept={capture ? 'image/*' : 'image/jpeg,image/png,image/webp,application/pdf'}
      multiple={!capture}
      {...(capture ? { capture: 'environment' as const } : {})}
      showUploadList={false}
      customRequest={({ file, onSuccess }) => {
        void choose(file as File);
        onSuccess?.({});
      }}
    >
      <Button icon={capture ? <CameraOutlined /> : <UploadOutlined />} data-testid={capture ? 'evidence-camera-button' : 'evidence-upload-button'}>
        {t(capture ? 'evidenceTakePhoto' : 'evidenceUpload')}
      </Button>
    </Upload>
  );

  /** Who may see a file: internal (those who oversee the need) or public (the disclosure pages too). */
  const visibilityPicker = (value: UploadedFile['visibility'], set: (visibility: UploadedFile['visibility']) => void) => (
    <Select
      size="small"
      value={value}
      onChange={set}
      options={[
        { value: 'internal', label: t('evidenceInternal') },
        { value: 'public', label: t('evidencePublic') },
      ]}
      aria-label={t('evidenceVisibility')}
      data-testid="evidence-visibility"
    />
  );

  return (
    <div className="evidence-upload" data-testid="evidence-upload">
      <Space wrap>
        {phone && picker(true)}
        {picker(false)}
        <Checkbox checked={keepMetadata} onChange={(e) => setKeepMetadata(e.target.checked)}>
          {t('evidenceKeepMetadata')}
        </Checkbox>
      </Space>
      <Typography.Paragraph type="secondary" className="evidence-hint">{t('evidenceUploadHint')}</Typography.Paragraph>
      {pending.map((p) => (
        <div key={p.key} className="evidence-pending" data-testid="evidence-pending" data-state={p.state}>
          <Typography.Text>{p.name}</Typography.Text>
          {p.state === 'shrinking' && <Typography.Text type="secondary"> {t('photoShrinking')}</Typography.Text>}
          {(p.state === 'uploading' || p.state === 'waiting') && <Progress percent={Math.floor(p.fraction * 100)} aria-label={p.name} size="small" status="active" data-testid="evidence-progress" />}
          {p.error && (
            <Typography.Text type={p.state === 'failed' ? 'danger' : 'warning'} data-testid="evidence-upload-error">
              {p.error}
            </Typography.Text>
          )}
          <Space>
            {p.state === 'failed' && (
              <Button size="small" onClick={() => void upload(p.key)} data-testid="evidence-retry">
                {t('retry')}
              </Button>
            )}
            {p.state !== 'shrinking' && (
              <Button size="small" type="link" onClick={() => cancel(p.key)} data-testid="evidence-cancel">
                {t(p.state === 'failed' ? 'removeItem' : 'uploadCancel')}
              </Button>
            )}
          </Space>
        </div>
      ))}
      {keep?.files.map((f) => (
        <div key={`kept-${f.key}`} className="evidence-uploaded" data-testid="evidence-kept">
          <Typography.Text>{f.file.name}</Typography.Text>
          {f.shrunk && (
            <Typography.Text type="secondary" className="small">
              {t('photoShrunk', { from: formatBytes(f.shrunk.from), to: formatBytes(f.shrunk.to) })}
            </Typography.Text>
          )}
          <Typography.Text type="warning">{t('evidenceKeptOffline')}</Typography.Text>
          {visibilityPicker(f.visibility, (visibility) => keep.onChange(keep.files.map((x) => (x.key === f.key ? { ...x, visibility } : x))))}
          <Button size="small" type="link" onClick={() => keep.onChange(keep.files.filter((x) => x.key !== f.key))}>
            {t('removeItem')}
          </Button>
        </div>
      ))}
      {files.map((f) => (
        <div key={f.sha256} className="evidence-uploaded" data-testid="evidence-uploaded">
          <Typography.Text>{f.name}</Typography.Text>
          {f.shrunk && (
            <Typography.Text type="secondary" className="small" data-testid="evidence-shrunk">
              {t('photoShrunk', { from: formatBytes(f.shrunk.from), to: formatBytes(f.shrunk.to) })}
            </Typography.Text>
          )}
          {visibilityPicker(f.visibility, (visibility) => onChange(files.map((x) => (x.sha256 === f.sha256 ? { ...x, visibility } : x))))}
          <Button size="small" type="link" onClick={() => onChange(files.filter((x) => x.sha256 !== f.sha256))}>
            {t('removeItem')}
          </Button>
        </div>
      ))}
    </div>
  );
}
