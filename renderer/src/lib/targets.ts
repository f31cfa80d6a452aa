import type { FindingTarget } from '../../../shared/api/analytics';
import { isScreen, useNavigation } from '../stores/navigation';

/** Opens the evidence screen a headline finding points at. Posture lives on the Overview screen. */
export function goToTarget(target: FindingTarget): void {
  const nav = useNavigation.getState();
  if (target.screen === 'posture') {
    nav.navigate('overview', { ...target.params, section: 'posture' });
    return;
  }
  nav.navigate(isScreen(target.screen) ? target.screen : 'overview', target.params);
}
