export interface FilterOption {
  value: string;
  label: string;
  /** When values may repeat (the same account id on two platforms). */
  key?: string;
}

export const FIELD =
  'h-9 w-full min-w-0 rounded-md border border-input bg-background px-2 text-sm outline-none focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/70';

/** One labelled native select of the /insights filters. */
export function FilterSelect({
  id,
  label,
  value,
  options,
  onChange,
  testId,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly FilterOption[];
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <div className="flex min-w-0 flex-col gap-1 text-sm lg:col-span-2">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={FIELD} data-testid={testId}>
        {options.map((o) => (
          <option key={o.key ?? o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
