// The roles of a membership as checkboxes, one per role origo knows (and any
// other the server sent, so that saving never drops a role this dashboard
// does not know yet).

import { useId } from 'preact/hooks';
import { ROLES } from '../team/roles.ts';
import './role-picker.css';

interface Props {
  legend: string;
  /** Shown to screen readers only, when the legend is visible elsewhere (e.g. in the member's heading). */
  legendHidden?: boolean;
  value: readonly string[];
  onChange(roles: string[]): void;
  /** Each role's meaning under its name: for the add form; the members' rows stay compact. */
  explained?: boolean;
  disabled?: boolean;
}

export function RolePicker({ legend, legendHidden, value, onChange, explained, disabled }: Props) {
  const id = useId();
  const known = ROLES.map((role) => role.name as string);
  const others = value.filter((role) => !known.includes(role));
  const choices = [...ROLES, ...others.map((name) => ({ name, does: '' }))];
  const toggle = (role: string, on: boolean) => {
    const next = on ? [...value, role] : value.filter((r) => r !== role);
    // Keep the picker's order, so what is sent does not depend on the order of the clicks.
    onChange(choices.map((c) => c.name as string).filter((name) => next.includes(name)));
  };
  return (
    <fieldset class={explained ? 'role-picker explained' : 'role-picker'} disabled={disabled}>
      <legend class={legendHidden ? 'visually-hidden' : undefined}>{legend}</legend>
      {choices.map((role, index) => {
        const nameId = `${id}-${index}-name`;
        const hintId = `${id}-${index}-does`;
        return (
          <label key={role.name} class="role-choice">
            <input
              type="checkbox"
              name="roles"
              value={role.name}
              checked={value.includes(role.name)}
              onChange={(e) => toggle(role.name, e.currentTarget.checked)}
              aria-labelledby={nameId}
              aria-describedby={explained && role.does !== '' ? hintId : undefined}
            />
            <span id={nameId} class="role-name">
              {role.name}
            </span>
            {explained && role.does !== '' && (
              <span id={hintId} class="role-does">
                {role.does}
              </span>
            )}
          </label>
        );
      })}
    </fieldset>
  );
}
