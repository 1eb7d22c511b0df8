import { FilePdfOutlined } from '@ant-design/icons';
import { Button, Tag, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { describeError, EvidenceFile, fetchBlob } from '../api';
import { useI18n } from '../i18n';
import { useBlobUrl } from './useBlobUrl';

const EvidenceViewer = lazy(() => import('./EvidenceViewer').then((m) => ({ default: m.EvidenceViewer })));

export interface EvidenceItem {
  kind: string;
  ref: string;
  note?: string;
  file?: EvidenceFile;
}

/** A thumbnail fetched with the bearer token (or anonymously on public routes), shown from a blob URL. */
function Thumbnail({ src, alt }: { src: string; alt: string }) {
  const { url } = useBlobUrl(src);
  return url ? <img className="evidence-thumb" src={url} alt={alt} /> : <span className="evidence-thumb evidence-thumb-empty" />;
}

/**
 * The evidence of a delivery or a use as the coordinator checks it before confirming: uploaded
 * files as thumbnails (PDFs as an icon); a photo's thumbnail opens the photos full size in the page
 * (EvidenceViewer), and a button opens the original file in a new window, fetched with the bearer
 * token; older text references as they were recorded. `base` is the route the files are
 * served under (`/api/needs/{id}`, `/api/donations/{id}` or `/api/disclosure/donations/{id}`).
 */
export function EvidenceView({ evidence, base, labelOf }: { evidence: EvidenceItem[]; base: string; labelOf?: (kind: string) => string }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<string>();
  const [viewing, setViewing] = useState<number>();
  const label = (kind: string) => labelOf?.(kind) ?? kind;
  const photos = evidence.filter((e) => e.file?.thumbnail).map((e) => ({ file: e.file!, label: label(e.kind), note: e.note }));
  const open = async (file: EvidenceFile) => {
    // Opened at once (pop-up blockers allow a window opened by the click), then pointed at the blob.
    const win = window.open('', '_blank');
    try {
      const blob = await fetchBlob(`${base}/evidence/${file.sha256}`);
      const url = URL.createObjectURL(blob);
      if (win) win.location.href = url;
      else window.location.assign(url);
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      win?.close();
      setError(describeError(e, lang).message);
    }
  };
  if (evidence.length === 0) return <Tag color="volcano" data-testid="no-evidence">{t('noEvidence')}</Tag>;
  return (
    <div className="evidence-files" data-testid="evidence-files">
      {evidence.map((e, i) =>
        e.file ? (
          <div key={i} className="evidence-file" data-testid="evidence-file">
            {e.file.thumbnail ? (
              <button
                type="button"
                className="evidence-thumb-button"
                onClick={() => setViewing(photos.findIndex((p) => p.file.sha256 === e.file!.sha256))}
                aria-label={t('evidenceView', { what: label(e.kind) })}
                data-testid="evidence-view"
              >
                <Thumbnail src={`${base}/evidence/${e.file.sha256}?thumbnail=true`} alt={label(e.kind)} />
              </button>
            ) : (
              <FilePdfOutlined className="evidence-thumb evidence-pdf" />
            )}
            <div className="evidence-file-meta">
              <Typography.Text>{labelOf?.(e.kind) ?? e.kind}</Typography.Text>
              {e.note && <Typography.Text type="secondary"> {e.note}</Typography.Text>}
              <div>
                <Tag color={e.file.visibility === 'public' ? 'green' : 'default'}>{t(e.file.visibility === 'public' ? 'evidencePublic' : 'evidenceInternal')}</Tag>
                <Typography.Text type="secondary" className="evidence-size">{(e.file.size / 1024).toFixed(0)} KB</Typography.Text>
              </div>
              <Button size="small" onClick={() => void open(e.file!)} data-testid="evidence-open">
                {t('evidenceOpen')}
              </Button>
            </div>
          </div>
        ) : (
          <span key={i} className="evidence-item">
            {labelOf?.(e.kind) ?? e.kind} {e.ref}
            {e.note ? ` (${e.note})` : ''}
          </span>
        ),
      )}
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      {viewing !== undefined && viewing >= 0 && (
        <Suspense fallback={null}>
          <EvidenceViewer photos={photos} start={viewing} base={base} onClose={() => setViewing(undefined)} onOpenOriginal={(file) => void open(file)} />
        </Suspense>
      )}
    </div>
  );
}
