// Mantine's Anchor and Button as router links: typed paths, no page reload, preloading on hover.
import { Anchor, Button, type AnchorProps, type ButtonProps } from '@mantine/core';
import { createLink, type LinkComponent } from '@tanstack/react-router';
import { forwardRef, type AnchorHTMLAttributes } from 'react';

type AnchorLinkProps = AnchorProps & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'color'>;

const AnchorLink = forwardRef<HTMLAnchorElement, AnchorLinkProps>((props, ref) => (
  <Anchor component="a" ref={ref} {...props} />
));
AnchorLink.displayName = 'AnchorLink';

const CreatedRouterAnchor = createLink(AnchorLink);

export const RouterAnchor: LinkComponent<typeof AnchorLink> = (props) => (
  <CreatedRouterAnchor preload="intent" {...props} />
);

type ButtonLinkProps = ButtonProps & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'color'>;

const ButtonLink = forwardRef<HTMLAnchorElement, ButtonLinkProps>((props, ref) => (
  <Button component="a" ref={ref} {...props} />
));
ButtonLink.displayName = 'ButtonLink';

const CreatedRouterButton = createLink(ButtonLink);

export const RouterButton: LinkComponent<typeof ButtonLink> = (props) => (
  <CreatedRouterButton preload="intent" {...props} />
);
