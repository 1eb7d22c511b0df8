import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Modal, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { describeError, EvidenceFile } from '../api';
import { useI18n } from '../i18n';
import { useBlobUrl } from './useBlobUrl';

export interface ViewedPhoto {
  file: EvidenceFile;
  label: string;
  note?: string;
}

/**
 * The evidence photos of one delivery or use, full size, in the page: 上一张 / 下一张 (or the arrow
 * keys), the original in a new window, Esc or 关闭 to go back. Each photo is fetched with the
 * bearer token when it is shown and released when it is left.
 */
export function EvidenceViewer({ photos, start, base, onClose, onOpenOriginal }: { photos: ViewedPhoto[]; start: number; base: string; onClose: () => void; onOpenOriginal: (file: EvidenceFile) => void }) {
  const { t, lang } = useI18n();
  const [index, setIndex] = useState(start);
  const photo = photos[index];
  const { url, error } = useBlobUrl(`${base}/evidence/${photo.file.sha256}`);

  const go = (step: number) => setIndex((i) => Math.min(photos.length - 1, Math.max(0, i + step)));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowLeft') go(-1);
      if (e.key === 'ArrowRight') go(1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <Modal
      open
      centered
      width="min(960px, 96vw)"
      title={`${photo.label}${photos.length > 1 ? ` · ${t('evidencePhotoOf', { n: index + 1, total: photos.length })}` : ''}`}
      onCancel={onClose}
      footer={
        <Space wrap>
          <Button icon={<LeftOutlined />} disabled={index === 0} onClick={() => go(-1)} data-testid="viewer-previous">
            {t('evidencePrevious')}
          </Button>
          <Button icon={<RightOutlined />} iconPlacement="end" disabled={index === photos.length - 1} onClick={() => go(1)} data-testid="viewer-next">
            {t('evidenceNext')}
          </Button>
          <Button onClick={() => onOpenOriginal(photo.file)} data-testid="viewer-original">
            {t('evidenceOpen')}
          </Button>
          <Button type="primary" onClick={onClose} data-testid="viewer-close">
            {t('evidenceClose')}
          </Button>
        </Space>
      }
    >
      <div className="evidence-viewer" data-testid="evidence-viewer">
        {url ? <img src={url} alt={photo.note ? `${photo.label}：${photo.note}` : photo.label} data-testid="viewer-image" /> : error ? <Typography.Text type="danger">{describeError(error, lang).message}</Typography.Text> : <Spin />}
      </div>
      {photo.note && <Typography.Paragraph type="secondary">{photo.note}</Typography.Paragraph>}
    </Modal>
  );
}
