// Development sign-in of a citizen by personal identification number and name, until VNeID sign-in exists.
import { useState, type FormEvent } from 'react';
import { api, type Citizen } from '../api.ts';
import { navigate, useLocation } from '../router.tsx';
import { ErrorMessage, Field, useAction, usePageTitle } from '../ui.tsx';

/** Back to the page that asked for sign-in (a path of this site only), else the citizen's dossiers. */
const afterSignIn = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/api/') ? next : '/ho-so-cua-toi');

export function CitizenSignIn() {
  usePageTitle('Đăng nhập công dân');
  const { search } = useLocation();
  const [idNumber, setIdNumber] = useState('');
  const [fullName, setFullName] = useState('');
  const [errors, setErrors] = useState<{ idNumber?: string; fullName?: string }>({});
  const { busy, error, run } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = {
      idNumber: /^\d{12}$/.test(idNumber.trim()) ? undefined : 'Số định danh cá nhân phải gồm đúng 12 chữ số.',
      fullName: fullName.trim().length >= 2 ? undefined : 'Vui lòng nhập họ và tên.',
    };
    setErrors(found);
    if (found.idNumber || found.fullName) {
      (e.currentTarget as HTMLFormElement).querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    void run(async () => {
      await api<{ citizen: Citizen }>('/api/v1/citizen/dev-signin', { body: { idNumber: idNumber.trim(), fullName: fullName.trim() } });
      navigate(afterSignIn(search.get('next')), { replace: true });
    });
  };

  return (
    <div className="container page narrow">
      <h1>Đăng nhập công dân</h1>
      <div className="alert alert-warning" role="note">
        <p><strong>Đăng nhập thử nghiệm — sẽ thay bằng VNeID</strong></p>
        <p>Trong giai đoạn thử nghiệm, công dân đăng nhập bằng số định danh cá nhân và họ tên để nộp, theo dõi hồ sơ trực tuyến.</p>
      </div>
      <form className="card form" onSubmit={submit} noValidate>
        <ErrorMessage error={error} />
        <Field label="Số định danh cá nhân" hint={errors.idNumber ?? 'Gồm 12 chữ số, in trên thẻ Căn cước.'} className={errors.idNumber ? 'field-invalid' : undefined}>
          <input name="idNumber" value={idNumber} onChange={(e) => setIdNumber(e.target.value.replace(/\D/g, '').slice(0, 12))}
            inputMode="numeric" autoComplete="off" maxLength={12} aria-required="true" aria-invalid={errors.idNumber ? true : undefined} />
        </Field>
        <Field label="Họ và tên" hint={errors.fullName} className={errors.fullName ? 'field-invalid' : undefined}>
          <input name="fullName" value={fullName} onChange={(e) => setFullName(e.target.value)} autoComplete="name" maxLength={200}
            aria-required="true" aria-invalid={errors.fullName ? true : undefined} />
        </Field>
        <button type="submit" className="btn btn-primary" disabled={busy} aria-busy={busy}>Đăng nhập</button>
      </form>
    </div>
  );
}
