import { formatDistanceStrict } from 'date-fns';

/** "2026-11-21 10:07:33 UTC": the server renders this page, and the viewer's zone is not known there. */
export function fullTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A relative time ("5 minutes ago") with the exact instant for machines and on hover. */
export function Timestamp({ date, now, className }: { date: Date; now: Date; className?: string }) {
  return (
    <time dateTime={date.toISOString()} title={fullTimestamp(date)} className={className}>
      {formatDistanceStrict(date, now, { addSuffix: true })}
    </time>
  );
}
