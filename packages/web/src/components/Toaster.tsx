// Short confirmations ("Settings saved") in the corner of the screen, announced to screen readers.
// Mantine's Notification draws each one; this keeps the list and takes each away after a while.
import { useTranslation } from 'react-i18next';
import { Notification, Portal, Stack } from '@mantine/core';
import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { IconAlert, IconCheck } from './icons.js';

export interface Toast {
  readonly title: string;
  readonly message?: string;
  readonly tone?: 'success' | 'error';
}

interface ShownToast extends Toast {
  readonly id: number;
}

type ShowToast = (toast: Toast) => void;

const ToastContext = createContext<ShowToast | null>(null);

const TOAST_MS = 5000;

export function Toaster({ children }: { readonly children: ReactNode }): ReactNode {
  const { t: translate } = useTranslation();
  const [toasts, setToasts] = useState<readonly ShownToast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((shown) => shown.filter((t) => t.id !== id));
  }, []);

  const show = useCallback<ShowToast>(
    (toast) => {
      const id = nextId.current++;
      // Newest last, and never a wall of them: three at most.
      setToasts((shown) => [...shown.slice(-2), { ...toast, id }]);
      window.setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );

  const value = useMemo(() => show, [show]);

  return (
    <ToastContext.Provider value={value}>
      {children}
      <Portal>
        <Stack
          gap="xs"
          role="status"
          aria-live="polite"
          style={{ position: 'fixed', right: 24, bottom: 24, zIndex: 400, width: 360 }}
        >
          {toasts.map((t) => (
            <Notification
              key={t.id}
              title={t.title}
              color={t.tone === 'error' ? 'red' : 'teal'}
              icon={t.tone === 'error' ? <IconAlert size={18} /> : <IconCheck size={18} />}
              withBorder
              onClose={() => dismiss(t.id)}
              closeButtonProps={{ 'aria-label': translate('actions.dismiss') }}
            >
              {t.message}
            </Notification>
          ))}
        </Stack>
      </Portal>
    </ToastContext.Provider>
  );
}

/** Shows a toast; the console's root wraps every page in a Toaster. */
export function useToast(): ShowToast {
  const show = useContext(ToastContext);
  if (!show) throw new Error('useToast needs a <Toaster> above it');
  return show;
}
