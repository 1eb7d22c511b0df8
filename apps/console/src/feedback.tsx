import { message as antMessage } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import { createContext, ReactNode, useContext } from 'react';

const FeedbackContext = createContext<MessageInstance | null>(null);

/**
 * The short notes a page shows after an action (已完成…), in the console's theme and language:
 * Ant Design's message alone, where its App component would also bring the modal and the
 * notification, which no page uses, into every page's download.
 */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [message, holder] = antMessage.useMessage();
  return (
    <FeedbackContext.Provider value={message}>
      {holder}
      {children}
    </FeedbackContext.Provider>
  );
}

export function useFeedback(): { message: MessageInstance } {
  const message = useContext(FeedbackContext);
  if (!message) throw new Error('useFeedback outside FeedbackProvider');
  return { message };
}
