-- Fees paid in cash at the one-stop desk (recorded by the counter officer) settle the obligation as well.
ALTER TABLE payments DROP CONSTRAINT payments_method_check;
ALTER TABLE payments ADD CONSTRAINT payments_method_check CHECK (method IN ('vietqr', 'vnpay', 'counter'));
