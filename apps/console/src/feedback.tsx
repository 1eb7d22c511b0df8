import type { MessageInstance } from 'antd/es/message/interface';
import { createContext, lazy, ReactNode, Suspense, useCallback, useContext, useMemo, useRef, useState } from 'react';

const FeedbackHolder = lazy(() => import('./components/FeedbackHolder').then((m) => ({ default: m.FeedbackHolder })));

/** The notes a page shows after an action. */
export interface Feedback {
  success: (content: ReactNode) => void;
}

const FeedbackContext = createContext<Feedback | null>(null);

/**
 * The short notes a page shows after an action (已完成…), in the console's theme and language:
 * Ant Design's message alone (its App component would also bring the modal and the notification),
 * loaded with the first note, as no page shows one on opening. Notes asked for while it loads show
 * once it is there.
 */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [wanted, setWanted] = useState(false);
  const api = useRef<MessageInstance | null>(null);
  const waiting = useRef<ReactNode[]>([]);
  const onReady = useCallback((ready: MessageInstance) => {
    api.current = ready;
    for (const content of waiting.current.splice(0)) void ready.success(content);
  }, []);
  const feedback = useMemo<Feedback>(
    () => ({
      success: (content) => {
        if (api.current) {
          void api.current.success(content);
          return;
        }
        waiting.current.push(content);
        setWanted(true);
      },
    }),
    [],
  );
  return (
    <FeedbackContext.Provider value={feedback}>
      {wanted && (
        <Suspense fallback={null}>
          <FeedbackHolder onReady={onReady} />
        </Suspense>
      )}
      {children}
    </FeedbackContext.Provider>
  );
}

export function useFeedback(): { message: Feedback } {
  const message = useContext(FeedbackContext);
  if (!message) throw new Error('useFeedback outside FeedbackProvider');
  return { message };
}
