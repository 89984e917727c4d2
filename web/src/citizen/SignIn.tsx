// Citizen sign-in: a full-page trip to the identity provider (VNeID, or the local provider in development) and back.
import { useLocation } from '../router.tsx';
import { usePageTitle } from '../ui.tsx';

/** The reasons the server gives (?loi=) when it sends a refused sign-in back here. */
const REFUSALS: Record<string, string> = {
  SIGN_IN_CANCELLED: 'Bạn đã hủy đăng nhập.',
  SIGN_IN_EXPIRED: 'Phiên đăng nhập đã hết hạn hoặc đã được dùng. Vui lòng đăng nhập lại.',
  SIGN_IN_REJECTED: 'Mã đăng nhập không còn hiệu lực. Vui lòng đăng nhập lại.',
  ID_TOKEN_INVALID: 'Không xác thực được thông tin đăng nhập nhận từ hệ thống định danh. Vui lòng đăng nhập lại.',
  IDP_ERROR: 'Hệ thống định danh điện tử từ chối đăng nhập. Vui lòng thử lại.',
  IDENTITY_INCOMPLETE: 'Tài khoản định danh chưa cung cấp đủ số định danh cá nhân và họ tên để nộp hồ sơ.',
  IDP_UNAVAILABLE: 'Không kết nối được với hệ thống định danh điện tử. Vui lòng thử lại sau ít phút.',
};

export function CitizenSignIn() {
  usePageTitle('Đăng nhập công dân');
  const { search } = useLocation();
  const refusal = search.get('loi');
  const next = search.get('next');
  // The server checks `next` again: only a path of this site is followed after sign-in.
  const start = `/api/v1/citizen/signin${next ? `?next=${encodeURIComponent(next)}` : ''}`;

  return (
    <div className="container page narrow">
      <h1>Đăng nhập công dân</h1>
      {refusal && (
        <div className="alert alert-error" role="alert">
          {REFUSALS[refusal] ?? 'Đăng nhập không thành công. Vui lòng thử lại.'}
        </div>
      )}
      <div className="card form">
        <p>
          Đăng nhập bằng tài khoản định danh điện tử (VNeID) để nộp hồ sơ trực tuyến và theo dõi hồ sơ của bạn. Số định danh cá nhân, họ tên, ngày sinh và số
          điện thoại được lấy từ tài khoản định danh, bạn không phải nhập lại.
        </p>
        <a className="btn btn-primary" href={start}>
          Đăng nhập bằng tài khoản định danh điện tử
        </a>
      </div>
    </div>
  );
}
