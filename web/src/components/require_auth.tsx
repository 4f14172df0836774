/** Shows its children only when signed in; the login form otherwise. */
import type { ComponentChildren } from 'preact';
import { auth } from '../api/auth';
import { useStore } from '../state/store';
import { LoginForm } from './login_form';

export function RequireAuth(props: { children: ComponentChildren }) {
  const state = useStore(auth);
  return state.header ? <>{props.children}</> : <LoginForm />;
}

/** A page that needs sign-in: the page frame with its content behind RequireAuth. */
export function ProtectedPage(props: { name: string; children: ComponentChildren }) {
  return (
    <div class={`page ${props.name}`}>
      <RequireAuth>{props.children}</RequireAuth>
    </div>
  );
}
