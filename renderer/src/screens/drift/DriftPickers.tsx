import { visibleText } from '../../../../shared/visibleText';
import type { DriftOptions, Selector, SelectorKey } from '../../../../shared/api/drift';
import { METHODS, SELECTOR_KEYS, windowOfPeriod, type DriftParams } from './params';
import { WindowPicker } from './WindowPicker';
import { methodTooltip, methodWords } from '../../lib/methodWords';

function valuesFor(key: SelectorKey, o: DriftOptions): string[] {
  if (key === 'release') return o.releases.map((r) => r.release_id);
  if (key === 'dataset_version') return o.dataset_versions;
  if (key === 'model_version') return o.model_versions;
  return [];
}

function SelectorPicker({ label, value, options, onChange, testId }: { label: string; value: Selector; options: DriftOptions; onChange: (s: Selector) => void; testId: string }) {
  const values = valuesFor(value.key, options);
  return (
    <fieldset style={{ border: 'none', padding: 0, margin: 0, display: 'flex', gap: 4, alignItems: 'flex-end' }} data-testid={testId}>
      <label className="field">
        {label}
        <select
          aria-label={`${label} selector kind`}
          value={value.key}
          onChange={(e) => {
            const key = e.target.value as SelectorKey;
            const first = valuesFor(key, options)[0];
            const fallback = label === 'Baseline' ? options.defaults.baseline : options.defaults.current;
            onChange({ key, value: key === 'window' ? (fallback?.key === 'window' ? fallback.value : windowOfPeriod(options)) : (first ?? '') });
          }}
        >
          {SELECTOR_KEYS.map((k) => (
            <option key={k} value={k}>
              {k.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      {value.key === 'window' ? (
        <WindowPicker label={label} value={value} options={options} onChange={onChange} />
      ) : (
        <select aria-label={`${label} ${value.key}`} value={value.value} onChange={(e) => onChange({ key: value.key, value: e.target.value })}>
          {values.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      )}
    </fieldset>
  );
}

export function DriftPickers({ params, options, update }: { params: DriftParams; options: DriftOptions; update: (patch: Partial<DriftParams>) => void }) {
  const cohort = params.cohort[0] ?? null;
  const attr = options.cohort_attributes.find((a) => a.attribute === cohort?.attribute);
  return (
    <div className="toolbar" role="group" aria-label="Drift parameters">
      <label className="field">
        Table
        <select aria-label="Table" value={params.table} onChange={(e) => update({ table: e.target.value, column: null })}>
          {options.tables.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <SelectorPicker label="Baseline" value={params.baseline} options={options} onChange={(baseline) => update({ baseline })} testId="baseline-picker" />
      <span className="muted" style={{ paddingBottom: 6 }}>
        vs
      </span>
      <SelectorPicker label="Current" value={params.current} options={options} onChange={(current) => update({ current })} testId="current-picker" />
      <label className="field">
        Cohort
        <select
          aria-label="Cohort attribute"
          value={cohort?.attribute ?? ''}
          onChange={(e) => {
            const a = options.cohort_attributes.find((x) => x.attribute === e.target.value);
            update({ cohort: a && a.values[0] !== undefined ? [{ attribute: a.attribute, value: a.values[0] }] : [] });
          }}
        >
          <option value="">all traffic</option>
          {options.cohort_attributes.map((a) => (
            <option key={a.attribute} value={a.attribute} title={a.offered ? 'Not declared as a cohort: a text column of the file with a few values' : undefined}>
              {visibleText(a.attribute)}
              {a.offered ? ' (column of the file)' : ''}
            </option>
          ))}
        </select>
      </label>
      {cohort && attr && (
        <label className="field">
          {cohort.attribute} =
          <select aria-label="Cohort value" value={cohort.value} onChange={(e) => update({ cohort: [{ attribute: cohort.attribute, value: e.target.value }] })}>
            {attr.values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="field">
        Method
        <select aria-label="Method" style={{ maxWidth: 230 }} value={params.method ?? ''} onChange={(e) => update({ method: (e.target.value || null) as DriftParams['method'] })}>
          <option value="">auto per column</option>
          {METHODS.map((m) => (
            <option key={m} value={m} title={methodTooltip(m)}>
              {methodWords(m)} ({m})
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
