import { Form, FormInstance, Modal, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { ReactNode, useEffect, useRef, useState } from 'react';
import { ApiCommand, ApiError, CommandResult } from '../api';
import { useActor } from '../auth';
import { useCommand } from '../hooks';
import { useI18n } from '../i18n';
import { enqueue, flush, isOffline, LocalFile } from '../outbox';
import { ErrorAlert } from './common';

/** A mistake found before sending, worded like the API's messages: "中文 (english)". */
export class FormProblem extends ApiError {
  constructor(detail: string) {
    super(detail, 422);
  }
}

export interface ActionModalProps<V> {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  intro?: ReactNode;
  okText?: ReactNode;
  danger?: boolean;
  /** The command from the form's values (`post(route, params, body)`); may throw a FormProblem. */
  command: (values: V) => ApiCommand;
  onDone: (result: CommandResult) => void;
  testId: string;
  width?: number;
  initialValues?: Partial<V>;
  children?: (form: FormInstance<V>) => ReactNode;
  /** Without a network the command waits in the outbox (src/outbox.ts), listed with this label, and the dialog closes. */
  queueOffline?: string;
  /**
   * Files picked but not uploaded (a photo taken without a network): the command then always goes
   * through the outbox with them (kept on this device, uploaded first), sent at once when online.
   */
  keepFiles?: LocalFile[];
}

/**
 * A command behind a dialog. What the user typed stays in the form when the command fails (the
 * dialog stays open with the error); the form is cleared only after success. A retry of the same
 * values after a network error reuses the Idempotency-Key (see useCommand).
 *
 * Not force-rendered: a modal rendered while closed still registers for Esc, and the last one
 * registered takes the key, so on a page with several dialogs Esc closed none of the one open.
 */
export function ActionModal<V extends object>({
  open,
  onClose,
  title,
  intro,
  okText,
  danger,
  command,
  onDone,
  testId,
  width = 560,
  initialValues,
  children,
  queueOffline,
  keepFiles = [],
}: ActionModalProps<V>) {
  const { t } = useI18n();
  const [form] = Form.useForm<V>();
  const actor = useActor();
  const { run, pending, failedKey } = useCommand();
  const [error, setError] = useState<unknown>();
  const errorRef = useRef<HTMLDivElement>(null);
  // The answer is said where the person is looking: a long dialog (a team's shares on a phone) is
  // scrolled to the error, which sits above the form, and to the first field a rule refused.
  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ block: 'center' });
  }, [error]);

  const submit = async () => {
    let values: V;
    try {
      values = await form.validateFields();
    } catch (invalid) {
      const first = (invalid as { errorFields?: Array<{ name: Parameters<typeof form.scrollToField>[0] }> }).errorFields?.[0];
      if (first) form.scrollToField(first.name, { block: 'center' });
      return;
    }
    setError(undefined);
    let made: ApiCommand | undefined;
    const queue = async (key?: string) => {
      await enqueue(actor.id, made!, queueOffline!, key, keepFiles);
      form.resetFields();
      onClose();
      if (navigator.onLine) void flush(actor.id);
    };
    try {
      made = command(values);
      if (queueOffline && (!navigator.onLine || keepFiles.length > 0)) return await queue();
      const result = await run(made);
      form.resetFields();
      onDone(result);
    } catch (failure) {
      if (queueOffline && made && isOffline(failure)) return await queue(failedKey());
      setError(failure);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={submit}
      okText={okText ?? t('submit')}
      cancelText={t('cancel')}
      confirmLoading={pending}
      okButtonProps={{ danger, 'data-testid': `${testId}-submit` } as ButtonProps}
      width={width}
      className="action-modal"
    >
      <div data-testid={testId}>
      {intro && <Typography.Paragraph type="secondary">{intro}</Typography.Paragraph>}
      <div ref={errorRef}>
        <ErrorAlert
          error={error}
          extra={error instanceof ApiError && !(error instanceof FormProblem) ? (error.network ? t('networkRetry') : t('formKept')) : undefined}
        />
      </div>
      <Form<V> form={form} layout="vertical" initialValues={initialValues} onFinish={submit}>
        {children?.(form)}
      </Form>
      </div>
    </Modal>
  );
}
