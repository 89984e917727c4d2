// Search synonyms (từ đồng nghĩa): the words citizens type ("sổ đỏ") and what the catalogue calls them.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorMessage, Field, Loading, Notice, useAction, useFetch, usePageTitle } from '../ui.tsx';
import { RowsEditor } from './RowsEditor.tsx';
import { useMe } from './shared.tsx';

interface Synonym {
  phrase: string;
  meaning: string;
}

export function Synonyms() {
  usePageTitle('Từ đồng nghĩa khi tìm kiếm');
  const me = useMe();
  const list = useFetch<{ items: Synonym[] }>('/api/v1/admin/search-synonyms');
  const [items, setItems] = useState<Synonym[] | null>(null);
  const [notice, setNotice] = useState('');
  const save = useAction();
  useEffect(() => {
    if (list.data) setItems(list.data.items);
  }, [list.data]);
  const editable = me.roles.includes('system_admin');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    void save.run(async () => {
      const saved = await api<{ items: Synonym[] }>('/api/v1/admin/search-synonyms', { method: 'PUT', body: { items } });
      setItems(saved.items);
      setNotice(`Đã lưu ${saved.items.length} cụm từ; tìm kiếm thủ tục dùng ngay danh sách mới.`);
    });
  };

  return (
    <>
      <h1>Từ đồng nghĩa khi tìm kiếm</h1>
      <p className="muted">
        Người dân gõ “sổ đỏ”, danh mục ghi “Giấy chứng nhận quyền sử dụng đất”: mỗi dòng cho biết một cụm từ người dân hay dùng và cách danh mục thủ tục gọi nó.
        Không phân biệt hoa thường, có dấu hay không dấu.
      </p>
      <Notice>{notice}</Notice>
      <ErrorMessage error={list.error ?? save.error} />
      {!items ? (
        <Loading />
      ) : (
        <form onSubmit={submit}>
          <fieldset disabled={!editable || save.busy} style={{ border: 0, padding: 0, margin: 0 }}>
            <RowsEditor
              rowTitle="Cụm từ"
              items={items}
              onChange={setItems}
              addLabel="Thêm cụm từ"
              empty="Chưa có cụm từ nào."
              blank={(): Synonym => ({ phrase: '', meaning: '' })}>
              {(x, update) => (
                <>
                  <Field label="Người dân gõ">
                    <input value={x.phrase} maxLength={100} required onChange={(e) => update({ phrase: e.target.value })} />
                  </Field>
                  <Field label="Tìm như là">
                    <input value={x.meaning} maxLength={200} required onChange={(e) => update({ meaning: e.target.value })} />
                  </Field>
                </>
              )}
            </RowsEditor>
            <p>
              <button type="submit" className="btn btn-primary">
                Lưu danh sách
              </button>
            </p>
          </fieldset>
          {!editable && <p className="muted">Chỉ quản trị hệ thống của tỉnh được sửa danh sách này.</p>}
        </form>
      )}
    </>
  );
}
