// The cart.* interfaces of the cart node: decode, call the domain, encode.
import { Inject, Injectable } from '@nestjs/common';
import { HandlesCall } from '@trellis/bus-nest';
import { clearCart, getCart, removeCartItem, setCartItem } from '@trellis/contracts';
import type { HandledRequestOf, HandlerReplyOf } from '@trellis/contracts';
import type { Cart } from './cart';
import { SessionCarts } from './session-carts';

type CartReply = HandlerReplyOf<typeof getCart>;

/** Serves `cart.get`, `cart.setItem`, `cart.removeItem` and `cart.clear`; each needs a live session. */
@Injectable()
export class CartHandlers {
  constructor(@Inject(SessionCarts) private readonly sessionCarts: SessionCarts) {}

  @HandlesCall(getCart)
  async get(request: HandledRequestOf<typeof getCart>): Promise<CartReply> {
    return toReply(await this.sessionCarts.cart(request.sessionId));
  }

  @HandlesCall(setCartItem)
  async setItem({ sessionId, bookId, quantity }: HandledRequestOf<typeof setCartItem>): Promise<CartReply> {
    return toReply(await this.sessionCarts.setItem(sessionId, bookId, quantity));
  }

  @HandlesCall(removeCartItem)
  async removeItem({ sessionId, bookId }: HandledRequestOf<typeof removeCartItem>): Promise<CartReply> {
    return toReply(await this.sessionCarts.removeItem(sessionId, bookId));
  }

  @HandlesCall(clearCart)
  async clear(request: HandledRequestOf<typeof clearCart>): Promise<CartReply> {
    return toReply(await this.sessionCarts.clear(request.sessionId));
  }
}

function toReply(cart: Cart): CartReply {
  return { items: cart.items.map(({ bookId, quantity }) => ({ bookId, quantity })) };
}
