/** The client's open project and its manifest entries, for services that need one open. */
import { say } from '../../src-shared/messages/message';
import { StudioError } from '../../src-shared/errors';
import type { ProjectView } from '../../src-shared/ipc/contract';
import type { ProjectService } from './project-service';

/** The client's open project; NO_PROJECT_OPEN when it has none. */
export function requireProject(projects: Pick<ProjectService, 'current'>, clientId: string): ProjectView {
  const view = projects.current(clientId);
  if (!view) throw StudioError.say('NO_PROJECT_OPEN', say('errors.noProjectOpen'));
  return view;
}

/** The entry a user named on a command line: by its id, else by its name. */
export function entryByIdOrName<E extends { id: string; name: string }>(entries: readonly E[], key: string): E | undefined {
  return entries.find((e) => e.id === key) ?? entries.find((e) => e.name === key);
}

/** NOT_FOUND for an id the project holds no entry of this kind with. */
export function noEntryError(kind: 'models' | 'runs' | 'checkpoints' | 'datasets' | 'exports' | 'baselines', id: string): StudioError {
  return StudioError.say('NOT_FOUND', say(`errors.noEntry.${kind}`, { id }), { id });
}

/** The project manifest entry of kind `kind` with this id; NOT_FOUND when the project has none. */
export function requireEntry(view: ProjectView, kind: 'models' | 'runs' | 'checkpoints' | 'datasets', id: string) {
  const entry = view.manifest[kind].find((e) => e.id === id);
  if (!entry) throw noEntryError(kind, id);
  return entry;
}
