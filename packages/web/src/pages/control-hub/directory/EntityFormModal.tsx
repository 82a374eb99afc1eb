// One modal form for creating or editing any directory entity, drawn from its field list. The body
// the values make is checked with the API's own schema as the administrator types; a field shows
// its problem once it was left or a save was tried, and the save goes only when nothing is wrong.
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { findProblems, type FieldProblem } from '@callvault/shared';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocations } from '../../../lib/use-locations.js';
import {
  ASSIGNABLE_ROLES,
  CALLING_LICENSES,
  fieldOfPath,
  LANGUAGES,
  type EntityForm,
  type FieldKey,
  type FieldSpec,
  type FormValues,
} from './entity-forms.js';
import { errorText, problemText } from './messages.js';

export interface EntityFormModalProps<E> {
  readonly title: string;
  readonly form: EntityForm<E>;
  /** The entity being edited; null to create one. */
  readonly entity: E | null;
  readonly initialValues?: FormValues;
  readonly submitLabel: string;
  readonly onSubmit: (body: Record<string, unknown>) => Promise<unknown>;
  readonly onDone: () => void;
  readonly onClose: () => void;
}

/** A language code's name in the console's language, e.g. `sv_se` → "svenska (Sverige)". */
export function languageName(code: string, language: string): string {
  const [lang = '', region] = code.split('_');
  try {
    const names = new Intl.DisplayNames([language], { type: 'language' });
    return names.of(region ? `${lang}-${region.toUpperCase()}` : lang) ?? code;
  } catch {
    return code;
  }
}

export function EntityFormModal<E>(props: EntityFormModalProps<E>): ReactNode {
  const { t, i18n } = useTranslation('directory');
  const { form, entity } = props;
  const locations = useLocations();
  const [values, setValues] = useState<FormValues>(() =>
    entity ? form.valuesOf(entity) : (props.initialValues ?? {}),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [tried, setTried] = useState(false);
  const fields = form.fields.filter((f) => entity === null || !f.createOnly);

  const body = entity ? form.updateBody(values, entity) : form.createBody(values);
  const problems = findProblems(entity ? form.updateSchema : form.createSchema, body);
  const problemOf = new Map<FieldKey, FieldProblem>();
  for (const problem of problems) {
    const key = fieldOfPath(fields, problem.path);
    if (key !== null && !problemOf.has(key)) problemOf.set(key, problem);
  }
  // A problem no visible field shows (should not happen) still blocks the save, worded generally.
  const unplaced = problems.filter((p) => fieldOfPath(fields, p.path) === null);

  const save = useMutation({
    mutationFn: () => props.onSubmit(body),
    onSuccess: () => props.onDone(),
  });

  function submit(event: FormEvent): void {
    event.preventDefault();
    setTried(true);
    if (problems.length > 0) return;
    save.mutate();
  }

  const hints: Partial<Record<FieldKey, string>> = {
    timeZone: t('hint.timeZone'),
    country: t('hint.country'),
    extension: t('hint.extension'),
    phoneNumber: t('hint.phoneNumber'),
  };
  const hintOf = (key: FieldKey): string | undefined => hints[key];
  const set = (key: string, value: string): void => setValues((old) => ({ ...old, [key]: value }));
  const leave = (key: string): void => setTouched((old) => new Set(old).add(key));
  const errorOf = (key: FieldKey): string | undefined => {
    const problem = problemOf.get(key);
    return problem && (tried || touched.has(key)) ? problemText(t, key, problem) : undefined;
  };

  function renderField(field: FieldSpec): ReactNode {
    const label = t(`field.${field.key}`);
    const common = {
      label,
      withAsterisk: field.required ?? false,
      error: errorOf(field.key),
      onBlur: () => leave(field.key),
    };
    const value = values[field.key] ?? '';
    switch (field.kind) {
      case 'text':
        return (
          <TextInput
            key={field.key}
            {...common}
            description={hintOf(field.key)}
            value={value}
            onChange={(e) => set(field.key, e.currentTarget.value)}
          />
        );
      case 'location':
        return (
          <Select
            key={field.key}
            {...common}
            data={locations.locations.map((l) => ({ value: l.id, label: l.name }))}
            value={value === '' ? null : value}
            onChange={(next) => {
              set(field.key, next ?? '');
              leave(field.key);
            }}
            clearable={!field.required}
            searchable
            placeholder={t('form.chooseLocation')}
          />
        );
      case 'license':
        return (
          <Select
            key={field.key}
            {...common}
            data={CALLING_LICENSES.map((l) => ({ value: l, label: t(`license.${l}`) }))}
            value={value === '' ? null : value}
            onChange={(next) => set(field.key, next ?? '')}
            placeholder={t('form.serverDefault')}
            clearable
          />
        );
      case 'language':
        return (
          <Select
            key={field.key}
            {...common}
            data={LANGUAGES.map((l) => ({
              value: l,
              label: languageName(l, i18n.resolvedLanguage ?? 'en'),
            }))}
            value={value === '' ? null : value}
            onChange={(next) => set(field.key, next ?? '')}
            placeholder={t('form.serverDefault')}
            clearable
          />
        );
      case 'roles':
        return (
          <Checkbox.Group
            key={field.key}
            label={label}
            description={t('hint.roles')}
            error={errorOf(field.key)}
            value={value.split(',').filter((r) => r !== '')}
            onChange={(next) => set(field.key, next.join(','))}
          >
            <Stack gap={6} mt={6}>
              {ASSIGNABLE_ROLES.map((role) => (
                <Checkbox key={role} value={role} label={t(`role.${role}`)} />
              ))}
            </Stack>
          </Checkbox.Group>
        );
    }
  }

  return (
    <Modal opened onClose={props.onClose} title={<Text fw={650}>{props.title}</Text>} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {fields.map(renderField)}
          {tried && unplaced.length > 0 && (
            <Alert color="red">{unplaced.map((p) => problemText(t, null, p)).join(' ')}</Alert>
          )}
          {save.error && (
            <Alert color="red" title={t('form.notSaved')} role="alert">
              {errorText(t, save.error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm" mt="xs">
            <Button variant="default" onClick={props.onClose} disabled={save.isPending}>
              {t('action.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
