export { getCart, removeCartItem, setCartItem, clearCart, cartView } from './cart';
export { book, getBook, listBooks, priceLines } from './catalog';
export { BookshopErrors } from './errors';
export { bookId, line, orderId, quantity, sessionId, userId } from './ids';
export { orderConfirmed, sendSms } from './notifications';
export { getOrder, order, placeOrder } from './orders';
export { chargeOrder } from './payments';
export { getSession, login, logout } from './sessions';
