// Applies the signed-in person's profile language once their session is known (see
// applyProfileLanguage for the order of precedence).
import type { Me } from '@callvault/shared';
import { useEffect } from 'react';
import { applyProfileLanguage } from './index.js';

export function useProfileLanguage(me: Pick<Me, 'id' | 'language'>): void {
  useEffect(() => {
    void applyProfileLanguage(me.language);
  }, [me.id, me.language]);
}
