// What a screen shows while its data is on the way, and when it could not be had.
import { RotateCw } from 'lucide-react';
import { Alert } from './ui/alert.tsx';
import { Button } from './ui/button.tsx';

export function Loading({ what }: { what: string }) {
  return (
    <p className="py-6 text-center text-sm text-muted-foreground" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function LoadError({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Alert variant="destructive" className="flex items-center gap-2">
      <span className="flex-1">{message}</span>
      <Button variant="ghost" size="sm" onClick={onRetry}>
        <RotateCw /> Try again
      </Button>
    </Alert>
  );
}
