var T,nt,ls,G,Ee,be,ot,$e,rt,Ne,Ie,cs,oe=Symbol.for("pv"),ye={},ke=[],ds=/^m(i|n|o|s|text|space)$/,Te=Array.isArray,Ae=ke.slice,Z=Object.assign;function X(e){e&&e.parentNode&&e.remove()}function it(e,t,s){var n,r,i,o={},l=arguments.length;for(i in t)i=="key"?n=t[i]:i=="ref"&&typeof e!="function"?r=t[i]:o[i]=t[i];return l>2&&(o.children=l>3?Ae.call(arguments,2):s),ne(e,o,n,r,null)}function ne(e,t,s,n,r){var i={type:e,props:t,key:s,ref:n,__k:null,__:null,__b:0,__e:null,__c:null,constructor:oe,__v:r||++nt,__i:-1,__u:0};return!r&&T.vnode&&T.vnode(i),i}function xe(e){return e.children}function ve(e,t){this.props=e,this.context=t,this.__g=0}function K(e,t){if(t==null)return e.__&&K(e.__,e.__i+1);for(var s;t<e.__k.length;t++)if((s=e.__k[t])&&s.__e)return s.__e;return typeof e.type!="function"||e.props.__P?null:K(e)}function ps(e){var t,s=e.__v,n=s.__e,r=[],i=[],o=e.__P;o&&((t=Z({constructor:oe},s)).__v=s.__v+1,T.vnode&&T.vnode(t),Le(o,t,s,e.__n,o.namespaceURI,32&s.__u?[n]:null,r,n||K(s),32&s.__u,i),t.__v=s.__v,t.__.__k[t.__i]=t,mt(r,t,i),s.__=s.__e=null,t.__e!=n&&lt(t))}function lt(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),lt(e)}function st(e){(8&e.__g||(e.__g|=8,G.push(e),be++))&&Ee==T.debounceRendering||((Ee=T.debounceRendering)||queueMicrotask)(ct)}function ct(){try{for(var e,t=1;G.length;)G.length>t&&G.sort(ot),e=G.shift(),t=G.length,8&e.__g&&ps(e)}finally{(be=G.length)&&(Ee||queueMicrotask)(ct)}}function dt(e,t,s,n,r,i,o,l,m,h,d){var u,p,c,$,_,f,b=n.__k||ke,y=t.length;for(m=us(s,t,b,m,y),u=0;u<y;u++)(c=s.__k[u])!=null&&(p=~c.__i&&b[c.__i]||ye,c.__i=u,f=Le(e,c,p,r,i,o,l,m,h,d),$=c.__e,(p.ref!=c.ref||8&p.__u)&&(p.ref&&Pe(p.ref,null,c,p),c.ref&&d.push(c.ref,c.__c||$,c)),_=_||$,4&c.__u?(m=pt(c,m,e,!p.__v),p.__e&&(p.__e=null)):typeof c.type=="function"&&f!==void 0?m=f:$&&(m=$.nextSibling),c.__u&=-21);return s.__e=_,m}function us(e,t,s,n,r){var i,o,l,m,h,d,u,p,c,$=s.length,_=$,f=0,b=0,y=e.__k=Array(r);for(i=0;i<r;i++)(o=t[i])!=null&&typeof o!="boolean"&&typeof o!="function"?(typeof o!="object"||o.constructor===String?o=y[i]=ne(null,o):Te(o)?o=y[i]=ne(xe,{children:o}):o.constructor===oe&&o.__b?o=y[i]=ne(o.type,o.props,o.key,o.ref,o.__v):y[i]=o,m=i+f,o.__=e,o.__b=e.__b+1,l=null,~(h=o.__i=ms(o,s,m,_))&&(_--,(l=s[h])&&(l.__u|=2)),l&&l.__v?(o.__u|=16,h==m-1?f--:h==m+1?f++:h!=m&&(h>m?f--:f++,b=1)):(~h||(r>$?f--:r<$&&f++),typeof o.type!="function"&&(o.__u|=4))):y[i]=null;if(b){for(d=[],u=[],i=0;i<r;i++)if((o=y[i])&&16&o.__u){for(f=0,p=d.length;f<p;)d[c=f+p>>1]<o.__i?f=c+1:p=c;d[f]=o.__i,u[i]=f+1}for(f=d.length;i--;)u[i]&&(u[i]==f?f--:y[i].__u|=4)}if(_)for(i=0;i<$;i++)!(l=s[i])||2&l.__u||(l.__e==n&&(n=K(l)),De(l,l));return n}function pt(e,t,s,n){var r,i,o,l;if(typeof e.type=="function"){if(e.props.__P)return t;if(r=e.__k)for(i=0;i<r.length;i++)r[i]&&(r[i].__=e,t=pt(r[i],t,s,!1));return t}for(t&&!t.parentNode&&(t=K(e))&&!t.parentNode&&(t=null),o=e.__e,l=t;l&&l.nodeType==8;)l=l.nextSibling;for(o!=l&&(!n&&s.moveBefore&&o.parentNode?s.moveBefore(o,t):s.insertBefore(o,t||null)),t=o;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function ms(e,t,s,n){var r,i=e.key,o=e.type,l=t[s],m=l&&!(2&l.__u);if(l===null&&i==null||m&&i==l.key&&o==l.type)return s;if(n>(m?1:0)){for(r=s-1;r>=0;r--)if((l=t[r])&&!(2&l.__u)&&i==l.key&&o==l.type)return r;for(r=s+1;r<t.length;r++)if((l=t[r])&&!(2&l.__u)&&i==l.key&&o==l.type)return r}return-1}function at(e,t,s){s==null&&(s=""),t[0]=="-"?e.setProperty(t,s):e[t]=s}function ge(e,t,s,n,r){var i,o;if(t=="style")if(typeof s=="string")e.style.cssText=s;else{if(typeof n=="string"&&(e.style.cssText=n=""),n)for(t in n)s&&t in s||at(e.style,t);if(s)for(t in s)n&&s[t]==n[t]||at(e.style,t,s[t])}else if(t[0]=="o"&&t[1]=="n")typeof s!="function"&&(s=null),typeof n!="function"&&(n=null),(e.__e||(e.__e={}))[t]=s,s&&n||(o=Ie[t]||(Ie[t]=fs(t)),(e.__a||(e.__a={}))[t]=Ne,i=t!=(t=t.replace(rt,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),s?e.addEventListener(t,o,i):e.removeEventListener(t,o,i));else{if(r=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=s??"")}catch{}if(typeof s=="function")return;s==null||s===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&s==1?"":s)}}function fs(e){return function(t){var s=this.__e;if(s){if(s=s[e],t[$e]==null)t[$e]=Ne++;else if(t[$e]<this.__a[e])return;return s(T.event?T.event(t):t)}}}function Le(e,t,s,n,r,i,o,l,m,h){var d,u,p,c,$,_,f,b,y,v,g,w,M,he,J,tt,q,Y,V=t.type;if(t.constructor!==oe)return null;128&s.__u&&(m=32&s.__u,d=s.__c.__z)&&(t.__u|=m,u=i=[],d.nodeType==8?l=_e(d,i):i.push(d),l=i[0]||l),(d=T.__b)&&d(t);e:if(typeof V=="function"){p=o.length;try{if(b=t.props,y=(d=V.prototype)&&d.render,v=(d=V.contextType)&&n[d.__c],g=d?v?v.props.value:d.__:n,(c=s.__c)?(t.__c=c,2&c.__g&&(c.__g|=1)):(y?t.__c=c=new V(b,g):(t.__c=c=new ve(b,g),c.constructor=V,c.render=gs),v&&v.sub(c),c.state||(c.state={}),c.__n=n,c.__g|=8,c.__h=[],c.__k=[]),y&&(c.__s||(c.__s=c.state),V.getDerivedStateFromProps&&(c.__s==c.state&&(c.__s=Z({},c.__s)),Z(c.__s,V.getDerivedStateFromProps(b,c.__s)))),$=c.props,_=c.state,c.__v=t,s.__c){if(b!==$&&y&&!V.getDerivedStateFromProps&&c.componentWillReceiveProps&&c.componentWillReceiveProps(b,g),t.__v==s.__v&&!(8&c.__g)||!(4&c.__g)&&c.shouldComponentUpdate&&c.shouldComponentUpdate(b,c.__s,g)===!1){t.__v!=s.__v&&(c.props=b,c.state=c.__s,c.__g&=-9),t.__e=s.__e,t.__k=s.__k,t.__k.some(function(j){j&&(j.__=t)}),ke.push.apply(c.__h,c.__k),c.__k=[],c.__h.length&&o.push(c),l=K(s);break e}c.componentWillUpdate&&c.componentWillUpdate(b,c.__s,g),y&&c.componentDidUpdate&&c.__h.push(function(){c.componentDidUpdate($,_,f)})}else y&&!V.getDerivedStateFromProps&&c.componentWillMount&&c.componentWillMount(),y&&c.componentDidMount&&c.__h.push(c.componentDidMount);c.context=g,c.props=b,c.__P=e,c.__g&=-5,w=T.__r,M=y?25:0;do c.__g&=-9,w&&w(t),d=c.render(c.props,c.state=c.__s,c.context);while(8&c.__g&&++M<25);y&&(ke.push.apply(c.__h,c.__k),c.__k=[]),c.state=c.__s,c.getChildContext&&(n=Z({},n,c.getChildContext())),y&&s.__c&&c.getSnapshotBeforeUpdate&&(f=c.getSnapshotBeforeUpdate($,_)),he=d&&d.type===xe&&d.key==null?d.props.children:d,b.__P&&(d=l,r=(e=b.__P).namespaceURI,m=i=null,s.props&&s.props.__P!=e&&(s.__k.some(function(j){j&&De(j,j)}),s.__k=null),l=s.__k?K(s,0):null),l=dt(e,Te(he)?he:[he],t,s,n,r,i,o,l,m,h),b.__P&&(t.__e=null,l=d),t.__u&=-161,u&&u.some(X),c.__h.length&&o.push(c),1&c.__g&&(c.__g&=-4)}catch(j){if(o.length=p,t.__v=null,m||i)if(j&&j.then){if(t.__u|=128|m,i){for(~(q=i.indexOf(l||void 0))||(q=i.length);(Y=i[q-1])&&Y.nodeType==8;)q--;for(;q<i.length;q++)if(Y=i[q])if(i[q]=null,J){if(Y==tt)break}else{if(Y.nodeType!=8)break;Y.data.startsWith("$s")&&(tt=_e(J=Y))}}if(!J){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;J=l}(d=_e(J=t.__c.__z||(t.__c.__z=J)))?(t.__e=J,l=d):t.__e=l,l=l&&l.nextSibling}else i&&i.some(X);else t.__e=s.__e;t.__k||(t.__k=s.__k||[]),j&&j.then||ut(t),T.__e(j,t,s)}}else l=t.__e=hs(s.__e,t,s,n,r,i,o,m,h,e);return(d=T.diffed)&&d(t),l}function _e(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var s=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))s++;else if(e.data.startsWith("/$s")&&!--s)return e}t&&t.push(e)}}function ut(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ut))}function mt(e,t,s){for(var n=0;n<s.length;)Pe(s[n++],s[n++],s[n++]);T.__c&&T.__c(t,e),e.some(function(r){try{e=r.__h,r.__h=[],e.some(function(i){i.call(r)})}catch(i){T.__e(i,r.__v)}})}function hs(e,t,s,n,r,i,o,l,m,h){var d,u,p,c,$,_,f,b,y=s.props||ye,v=t.props,g=t.type;if(g=="svg"?r="http://www.w3.org/2000/svg":g=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),i){for(d=0;d<i.length;d++)if(($=i[d])&&(g?$.localName==g:$.nodeType==3)){e=$,i[d]=null;break}}if(!e){if(b=h.ownerDocument||document,!g)return b.createTextNode(v);e=b.createElementNS(r,g,v.is?v:h),l&&(T.__m&&T.__m(t,i),l=!1),i=null}if(g){if(h=g=="template"&&e.content||e,i=g=="textarea"&&v.defaultValue!=null?null:i&&Ae.call(h.childNodes),!l&&i)for(y={},d=0;d<e.attributes.length;d++)y[($=e.attributes[d]).name]=$.value;for(d in y)$=y[d],d=="dangerouslySetInnerHTML"?p=$:d=="children"||d in v||d=="value"&&"defaultValue"in v||d=="checked"&&"defaultChecked"in v||ge(e,d,null,$,r);for(d in v)$=v[d],d=="children"?c=$:d=="dangerouslySetInnerHTML"?u=$:d=="value"?_=$:d=="checked"?f=$:l&&typeof $!="function"||y[d]===$||ge(e,d,$,y[d],r);u?(l||p&&(u.__html==p.__html||u.__html==e.innerHTML)||(e.innerHTML=u.__html),t.__k=[]):(p&&(e.textContent=""),(g=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&ds.test(g))&&(r="http://www.w3.org/1999/xhtml"),dt(h,Te(c)?c:[c],t,s,n,r,i,o,i?i[0]:s.__k&&K(s,0),l,m),i&&i.some(X)),l&&g!="textarea"||(d="value",g=="progress"&&_==null?e.removeAttribute(d):_==null||_===e[d]&&(g!="progress"||_)||ge(e,d,_,y[d],r),d="checked",f!=null&&f!=e[d]&&ge(e,d,f,y[d],r))}else y===v||l&&e.data==v||(e.data=v);return e}function Pe(e,t,s,n){try{typeof e=="function"?t?t.__x=e(t)||1:n&&(n=n.__c||n.__e)&&(t=n.__x)&&(n.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(r){T.__e(r,s)}}function De(e,t,s){var n,r,i,o;if(T.unmount&&T.unmount(e),!(n=e.ref)||n.current&&n.current!=e.__e||Pe(n,null,t,e),n=e.__c){if(n.componentWillUnmount)try{n.componentWillUnmount()}catch(l){T.__e(l,t)}n.__P=n.__n=null}if(n=e.__k)for(o=0;o<n.length;o++)n[o]&&De(n[o],t,typeof e.type!="function"||s&&!e.props.__P);!s&&(n=e.__c)&&(n=n.__z)&&(r=_e(n,i=[]))&&(n==e.__e&&i.some(X),X(r),X(n)),s||X(e.__e),e.__e=e.__c=e.__=null}function gs(e,t,s){return this.constructor(e,s)}function ft(e,t){var s,n,r,i;T.__&&T.__(e,t),t.nodeType==9&&(t=t.documentElement),n=(s=e&&32&e.__u)?null:t.__k,t.__k=ne(xe,{children:[e]}),r=[],i=[],Le(t,t.__k,n||ye,ye,t.namespaceURI,n?null:t.firstChild?Ae.call(t.childNodes):null,r,n?n.__e:t.firstChild,s,i),mt(r,t.__k,i),t.__k.props.children=null}T={__e:function(e,t,s,n){for(var r,i,o;t=t.__;)if((r=t.__c)&&!(1&r.__g)){r.__g|=4;try{if((o=(i=r.constructor)&&i.getDerivedStateFromError)&&r.setState(i.getDerivedStateFromError(e)),r.componentDidCatch&&(r.componentDidCatch(e,n||{}),o=1),o&&8&r.__g)return void(r.__g|=2)}catch(l){e=l}}throw be=0,e}},nt=0,ls=function(e){return e!=null&&e.constructor===oe},ve.prototype.setState=function(e,t){var s=this.__s;s&&s!=this.state||(s=this.__s=Z({},this.state)),typeof e=="function"&&(e=e(Z({},s),this.props)),e&&(Z(s,e),this.__v&&(t&&this.__k.push(t),st(this)))},ve.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),st(this))},ve.prototype.render=xe,G=[],be=0,ot=function(e,t){return e.__v.__b-t.__v.__b},$e=Symbol(),rt=/(PointerCapture)$|Capture$/i,Ne=0,Ie={},cs=0;var ie,D,Re,ht,Oe=Object.is,le=0,wt=[],Me=[],P=T,gt=P.__b,$t=P.__r,vt=P.diffed,_t=P.__c,bt=P.unmount,yt=P.__;function je(e,t){P.__h&&P.__h(D,e,le||t),le=0;var s=D.__H||(D.__H={__:[],__h:[]});return e>=s.__.length&&s.__.push({}),s.__[e]}function k(e){return le=1,$s(Et,e)}function $s(e,t,s){var n=je(ie++,2);if(n.t=e,!n.__c&&(n.__=[s?s(t):Et(void 0,t),function(i){var o=(n.__N||n.__)[0],l=n.t(o,i);Oe(o,l)||(n.__N=[l,n.__[1]],n.__c.setState({}))}],n.__c=D,!D.__f)){D.__f=!0;var r=D.shouldComponentUpdate;D.shouldComponentUpdate=function(i,o,l){var m=this.__H;if(!m)return!0;var h=!1,d=this.props!=i;if(m.__.some(function(p){p.__N&&(h=!0,Oe(p.__[0],p.__N[0])||(d=!0))}),r){var u=r.call(this,i,o,l);return h?u||d:u}return!h||d}}return n.__}function B(e,t){var s=je(ie++,3);!P.__s&&Ct(s.__H,t)&&(s.__P=!0,s.__=e,s.u=t,D.__H.__h.push(s))}function te(e){return le=5,ce(function(){return{current:e}},[])}function ce(e,t){var s=je(ie++,7);return Ct(s.__H,t)&&(s.__=e(),s.__H=t),s.__}function St(e,t){return le=8,ce(function(){return e},t)}function vs(){var e;do{for(;e=Me.shift();)try{re(e)}catch(s){P.__e(s,{__:(e=e.__P)&&e.__v})}for(;e=wt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(re),t.__h.some(Ue),t.__h=[]}catch(s){t.__h=[],P.__e(s,e.__v)}}}while(Me.length)}P.__b=function(e){D=null,gt&&gt(e)},P.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),yt&&yt(e,t)},P.__r=function(e){$t&&$t(e),ie=0;var t=(D=e.__c).__H;t&&(Re==D?D.__h=[]:(t.__h.some(re),t.__h.some(Ue),ie=0),t.__h=[],t.__.some(function(s){s.__N&&(s.__=s.__N),s.u=s.__N=void 0})),Re=D},P.diffed=function(e){vt&&vt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&xt(wt.push(t)),t.__H.__.some(function(s){s.u&&(s.__H=s.u)})),Re=D=null},P.__c=function(e,t){t.some(function(s){try{s.__h.some(re),s.__h=s.__h.filter(function(n){return!n.__||Ue(n)})}catch(n){s.__h=[function(){throw n}]}}),_t&&_t(e,t)},P.unmount=function(e){bt&&bt(e);var t,s,n=e.__c;n&&n.__H&&(n.__H.__.some(function(r){try{if(r.__P&&r.__c){if(s===void 0){for(s=e.__;s&&(!s.__c||!s.__c.__P);)s=s.__;s=s&&s.__c}r.__P=s,xt(Me.push(r))}else re(r)}catch(i){t=i}}),n.__H=void 0,t&&P.__e(t,n.__v))};var kt=typeof requestAnimationFrame=="function";function _s(e){var t,s=function(){clearTimeout(n),kt&&cancelAnimationFrame(t),setTimeout(e)},n=setTimeout(s,35);kt&&(t=requestAnimationFrame(s))}function xt(e){e!=1&&ht==P.requestAnimationFrame||((ht=P.requestAnimationFrame)||_s)(vs)}function re(e){var t=D,s=e.__c;typeof s=="function"&&(e.__c=void 0,s()),D=t}function Ue(e){var t=D;e.__c=e.__(),D=t}function Ct(e,t){return!e||e.length!=t.length||t.some(function(s,n){return!Oe(s,e[n])})}function Et(e,t){return typeof t=="function"?t(e):t}var Fe="scanfleet.token",Be=sessionStorage.getItem(Fe)||"",Ve=new Set;function It(){return Be}function we(e){Be=e,e?sessionStorage.setItem(Fe,e):sessionStorage.removeItem(Fe);for(let t of Ve)t(e)}function Nt(e){return Ve.add(e),()=>Ve.delete(e)}var se=class extends Error{constructor(t,s){super(s),this.status=t}};async function x(e,{method:t="GET",body:s,raw:n=!1,token:r}={}){let i={Authorization:"Bearer "+(r??Be)};s!==void 0&&(i["Content-Type"]="application/json");let o=await fetch(e,{method:t,headers:i,body:s===void 0?void 0:JSON.stringify(s)});if(o.status===401)throw r===void 0&&we(""),new se(401,"The token was refused; log in again.");if(!o.ok){let l=o.statusText;try{l=(await o.json()).error||l}catch{}throw new se(o.status,l)}return n?o:o.status===204?null:o.json()}async function Tt(e,t){let s=await x(e,{raw:!0}),n=s.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(n),i=await s.blob(),o=URL.createObjectURL(i),l=document.createElement("a");l.href=o,l.download=r?r[1]:t,document.body.appendChild(l),l.click(),l.remove(),setTimeout(()=>URL.revokeObjectURL(o),1e4)}function U(e){let t=new URLSearchParams;for(let[n,r]of Object.entries(e))r!=null&&r!==""&&r!==!1&&t.set(n,String(r));let s=t.toString();return s?"?"+s:""}var Lt=function(e,t,s,n){var r;t[0]=0;for(var i=1;i<t.length;i++){var o=t[i++],l=t[i]?(t[0]|=o?1:2,s[t[i++]]):t[++i];o===3?n[0]=l:o===4?n[1]=Object.assign(n[1]||{},l):o===5?(n[1]=n[1]||{})[t[++i]]=l:o===6?n[1][t[++i]]+=l+"":o?(r=e.apply(l,Lt(e,l,s,["",null])),n.push(r),l[0]?t[0]|=2:(t[i-2]=0,t[i]=r)):n.push(l)}return n},At=new Map;function Pt(e){var t=At.get(this);return t||(t=new Map,At.set(this,t)),(t=Lt(this,t.get(e)||(t.set(e,t=(function(s){for(var n,r,i=1,o="",l="",m=[0],h=function(p){i===1&&(p||(o=o.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?m.push(0,p,o):i===3&&(p||o)?(m.push(3,p,o),i=2):i===2&&o==="..."&&p?m.push(4,p,0):i===2&&o&&!p?m.push(5,0,!0,o):i>=5&&((o||!p&&i===5)&&(m.push(i,0,o,r),i=6),p&&(m.push(i,p,0,r),i=6)),o=""},d=0;d<s.length;d++){d&&(i===1&&h(),h(d));for(var u=0;u<s[d].length;u++)n=s[d][u],i===1?n==="<"?(h(),m=[m],i=3):o+=n:i===4?o==="--"&&n===">"?(i=1,o=""):o=n+o[0]:l?n===l?l="":o+=n:n==='"'||n==="'"?l=n:n===">"?(h(),i=1):i&&(n==="="?(i=5,r=o,o=""):n==="/"&&(i<5||s[d][u+1]===">")?(h(),i===3&&(m=m[0]),i=m,(m=m[0]).push(2,0,i),i=0):n===" "||n==="	"||n===`
`||n==="\r"?(h(),i=2):o+=n),i===3&&o==="!--"&&(i=4,m=m[0])}return h(),m})(e)),t),arguments,[])).length>1?t:t[0]}var a=Pt.bind(it);function Q(e){let[t,s]=k(e),n=te(e);return B(()=>{n.current!==e&&(n.current=e,s(e))},[e]),[t,s]}var R=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function He(){let e=location.hash.replace(/^#/,"")||"/images",[t,s=""]=e.split("?");return{parts:t.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(s))}}function C(e,t={}){let s=new URLSearchParams;for(let[r,i]of Object.entries(t))i!=null&&i!==""&&i!==!1&&s.set(r,String(i));let n=s.toString();return"#/"+e.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(n?"?"+n:"")}function H(e,t){location.hash=C(e,t)}function E(e,t,s=0){let[n,r]=k({data:null,error:null,loading:!0}),i=te(0),o=St(async()=>{let l=++i.current;try{let m=await e();l===i.current&&r({data:m,error:null,loading:!1})}catch(m){l===i.current&&r(h=>({data:h.data,error:m,loading:!1}))}},t);return B(()=>{if(r(m=>({...m,loading:!0})),o(),!s)return;let l=setInterval(o,s);return()=>{clearInterval(l),i.current++}},[o]),{...n,reload:o}}function de(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function O(e){if(!e)return"";let[t,s]=e.includes(":")?e.split(":"):["",e];return(t?t+":":"")+s.slice(0,12)}function I(e){if(!e)return"never";let t=new Date(e);return isNaN(t)||t.getFullYear()<2e3?"never":t.toLocaleString()}function L(e){if(!e)return"never";let t=new Date(e);if(isNaN(t)||t.getFullYear()<2e3)return"never";let s=Math.round((Date.now()-t.getTime())/1e3);return s<5?"just now":s<60?s+" s ago":s<3600?Math.round(s/60)+" min ago":s<86400?Math.round(s/3600)+" h ago":Math.round(s/86400)+" d ago"}function Rt(e){if(!e)return"0 B";let t=["B","KB","MB","GB","TB"],s=0;for(;e>=1e3&&s<t.length-1;)e/=1e3,s++;return(s?e.toFixed(1):e)+" "+t[s]}function W(e){return"sev sev-"+(e||"unknown").toLowerCase()}function S({error:e}){return e?a`<p class="error" role="alert">${e.message||String(e)}</p>`:null}function N({what:e="Loading"}){return a`<p class="muted" role="status">${e}…</p>`}function Dt(e){let t=e==null?"":Array.isArray(e)?e.join(" "):String(e);return/^[=+\-@\t\r]/.test(t)&&(t="'"+t),/[",\n\r]/.test(t)?'"'+t.replace(/"/g,'""')+'"':t}function bs(e,t){let s=[e.map(([n])=>Dt(n)).join(",")];for(let n of t)s.push(e.map(([,r])=>Dt(r(n))).join(","));return s.join(`\r
`)+`\r
`}function We(e,t,s="text/csv"){let n=URL.createObjectURL(new Blob([t],{type:s+";charset=utf-8"})),r=document.createElement("a");r.href=n,r.download=e,document.body.appendChild(r),r.click(),r.remove(),setTimeout(()=>URL.revokeObjectURL(n),1e4)}function A({name:e,columns:t,rows:s,label:n="Export CSV"}){let[r,i]=k(!1),[o,l]=k(null);async function m(){i(!0),l(null);try{We(e+".csv",bs(t,await s()))}catch(h){l(h)}i(!1)}return a`<span class="csv"><button type="button" class="small" onClick=${m} disabled=${r}
    aria-label=${n+" ("+e+".csv)"}>${r?"Exporting\u2026":n}</button>${o&&a` <span class="error" role="alert">${o.message}</span>`}</span>`}function F({offset:e,size:t,total:s,onGo:n,label:r="Pages"}){return s<=t&&e===0?null:a`<nav class="pager" aria-label=${r}>
    <button type="button" disabled=${e===0} onClick=${()=>n(Math.max(0,e-t))}>Previous</button>
    <span>${e+1}–${Math.min(s,e+t)} of ${s}</span>
    <button type="button" disabled=${e+t>=s} onClick=${()=>n(e+t)}>Next</button>
  </nav>`}function Se({coverage:e,notCovered:t=[]}){return e==="not_covered"?a`<span class="nc-badge" title=${"The database has no data for "+t.join(", ")+": findings there are unknown, not absent"}>
      Not covered: ${t.join(", ")}</span>`:e==="unknown"?a`<span class="nc-badge unknown" title="The report does not say whether the database covered this image">Coverage unknown</span>`:null}function Ot(e){return(e||"").split(/[\n,]/).map(t=>t.trim()).filter(Boolean)}var ys=[["name",e=>e.name],["url",e=>e.url],["filters",e=>e.filters||[]],["interval",e=>e.interval],["last_crawl",e=>e.last_crawl],["last_error",e=>e.last_error],["images",e=>e.images],["queued",e=>e.queued],["leased",e=>e.leased],["failed",e=>e.failed]],qe=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function ks(e){if(!e)return"Manual";let t=qe.find(([s])=>s===e);return t?t[1]:"Every "+e}var Mt={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1,kind:"",namespace:"",api:"",repositories:"",api_token:"",webhook_secret:"",max_pulls:"",pulls_per_second:""},xs=[["","Generic (/v2/_catalog)"],["dockerhub","Docker Hub"],["ghcr","GitHub (GHCR)"],["gitlab","GitLab"],["harbor","Harbor"],["quay","Quay"],["artifactory","JFrog Artifactory"],["nexus","Sonatype Nexus"],["ecr","Amazon ECR"],["gar","Google Artifact Registry"],["acr","Azure Container Registry"]];function ws({initial:e,onDone:t,onCancel:s}){let n=!!e,[r,i]=k(e?{...Mt,...e,password:"",token:"",filters:(e.filters||[]).join(`
`),interval:e.interval||"",max_repositories:e.max_repositories||"",max_tags:e.max_tags||"",kind:e.kind||"",namespace:e.namespace||"",api:e.api||"",repositories:(e.repositories||[]).join(`
`),api_token:"",webhook_secret:"",max_pulls:e.max_pulls||"",pulls_per_second:e.pulls_per_second||""}:Mt),[o,l]=k(null),[m,h]=k(!1),d=c=>$=>{let _=$.currentTarget;i({...r,[c]:_.type==="checkbox"?_.checked:_.value})};async function u(c){c.preventDefault(),h(!0),l(null);let $={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map(_=>_.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0,kind:r.kind||void 0,namespace:r.namespace.trim()||void 0,api:r.api.trim()||void 0,repositories:r.repositories.split(/[\n,]/).map(_=>_.trim()).filter(Boolean),api_token:r.api_token||void 0,webhook_secret:r.webhook_secret||void 0,max_pulls:r.max_pulls?Number(r.max_pulls):void 0,pulls_per_second:r.pulls_per_second?Number(r.pulls_per_second):void 0};try{n?await x("/api/v1/registries/"+encodeURIComponent(e.name),{method:"PUT",body:$}):await x("/api/v1/registries",{method:"POST",body:$}),t($.name)}catch(_){l(_),h(!1)}}let p=r.interval&&!qe.some(([c])=>c===r.interval);return a`<form class="card form" onSubmit=${u} aria-labelledby="regform-title">
    <h2 id="regform-title">${n?"Edit registry "+e.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${d("name")}
          readonly=${n} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${d("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${d("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${d("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${d("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${p?"custom":r.interval} onChange=${c=>{let $=c.currentTarget.value;i({...r,interval:$==="custom"?"2h":$})}}>
          ${qe.map(([c,$])=>a`<option value=${c}>${$}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${p&&a`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${d("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${d("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${d("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${d("max_tags")} />
      </div>
      <div class="field">
        <label for="reg-kind">Kind</label>
        <select id="reg-kind" value=${r.kind} onChange=${d("kind")}>
          ${xs.map(([c,$])=>a`<option value=${c}>${$}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="reg-namespace">Namespace (what the kind's API lists)</label>
        <input id="reg-namespace" placeholder="acme" value=${r.namespace} onInput=${d("namespace")} />
      </div>
      <div class="field">
        <label for="reg-api">API URL (when not the kind's default)</label>
        <input id="reg-api" type="url" value=${r.api} onInput=${d("api")} />
      </div>
      <div class="field">
        <label for="reg-apitoken">API token (when not the password)</label>
        <input id="reg-apitoken" type="password" autocomplete="off" value=${r.api_token} onInput=${d("api_token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field wide">
        <label for="reg-repos">Repositories (one per line, REPO or REPO:tag glob; instead of any listing)</label>
        <textarea id="reg-repos" rows="2" placeholder="team/app:v*" value=${r.repositories} onInput=${d("repositories")}></textarea>
      </div>
      <div class="field">
        <label for="reg-hook">Webhook secret</label>
        <input id="reg-hook" type="password" autocomplete="off" value=${r.webhook_secret} onInput=${d("webhook_secret")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-maxpulls">Max pulls at once (whole fleet)</label>
        <input id="reg-maxpulls" type="number" min="0" value=${r.max_pulls} onInput=${d("max_pulls")} />
      </div>
      <div class="field">
        <label for="reg-pps">Pulls per second</label>
        <input id="reg-pps" type="number" min="0" step="any" value=${r.pulls_per_second} onInput=${d("pulls_per_second")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${d("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${d("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${n&&a` Saving replaces them:
        ${e.password_set||e.token_set?a`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${S} error=${o} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${m}>${n?"Save":"Add registry"}</button>
      <button type="button" onClick=${s}>Cancel</button>
    </div>
  </form>`}function Ss({r:e}){let t=e.queued+e.leased+e.scanned+e.failed,s=e.crawling||e.queued+e.leased>0,n;return e.crawling?n="Listing images\u2026":s?n=`Scanning: ${e.scanned} of ${t} done, ${e.leased} in progress, ${e.queued} waiting`:e.last_crawl?n=`Last scan ${L(e.last_crawl)}: ${e.scanned} scanned`+(e.failed?`, ${e.failed} failed`:""):n="Never scanned",a`<div class="progress-cell">
    <span class=${s?"state running":"state"} data-testid="reg-status">${n}</span>
    ${s&&t>0&&a`<progress max=${t} value=${e.scanned+e.failed} aria-label=${"Scan progress of "+e.name}></progress>`}
    ${e.last_error&&a`<span class="error small">Last crawl error: ${e.last_error}</span>`}
  </div>`}function Ut({role:e}){let t=e==="admin",{data:s,error:n,reload:r}=E(()=>x("/api/v1/console/registries"),[],2e3),[i,o]=k(null),[l,m]=k(""),[h,d]=k(null);async function u(p,c){d(null);try{await p(),m(c),r()}catch($){d($)}}return a`
    <div class="page-head">
      <h1>Registries</h1>
      ${t&&!i&&a`<button type="button" class="primary" onClick=${()=>o("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${l}</p>
    ${i&&a`<${ws}
      initial=${i==="new"?null:i}
      onCancel=${()=>o(null)}
      onDone=${p=>{o(null),m("Registry "+p+" saved."),r()}}
    />`}
    <${S} error=${h||n} />
    ${!s&&!n&&a`<${N} />`}
    ${s&&s.length===0&&a`<p class="empty">No registries yet.${t?" Add one to start scanning.":""}</p>`}
    ${s&&s.length>0&&a`<div class="list-tools"><span></span><${A} name="registries" columns=${ys} rows=${()=>s} /></div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${t&&a`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${s.map(p=>a`<tr key=${p.name} data-registry=${p.name}>
            <th scope="row"><a href=${C(["images"],{registry:p.name})}>${p.name}</a>
              ${(p.filters||[]).length>0&&a`<div class="small muted">${p.filters.join(", ")}</div>`}</th>
            <td class="mono small">${p.url}${p.username&&a`<div class="muted">as ${p.username}</div>`}</td>
            <td>${ks(p.interval)}${p.rescan_after_db_update&&a`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${p.images}</td>
            <td><${Ss} r=${p} /></td>
            ${t&&a`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+p.name+" now"} disabled=${p.crawling}
                onClick=${()=>u(()=>x(`/api/v1/registries/${encodeURIComponent(p.name)}/scan`,{method:"POST",body:{}}),"Scan of "+p.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+p.name} onClick=${()=>o(p)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+p.name}
                onClick=${()=>confirm(`Delete registry ${p.name}? Its stored results stay.`)&&u(()=>x(`/api/v1/registries/${encodeURIComponent(p.name)}`,{method:"DELETE"}),"Registry "+p.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var jt={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function pe(e){return jt[e]||jt.UNKNOWN}function z({counts:e={},fixable:t={},title:s="Findings by severity"}){let n=R.filter($=>e[$]>0);if(!n.reduce(($,_)=>$+e[_],0))return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No findings.</p></figure>`;let i=Math.max(...n.map($=>e[$])),o=26,l=de(),m=l?84:92,h=l?96:120,d=l?340:560,u=d-m-h,p=n.length*o+24,c=s+": "+n.map($=>`${e[$]} ${$.toLowerCase()} (${t[$]||0} with a fix)`).join(", ");return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${d} ${p}" role="img" aria-label=${c} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${n.map($=>a`<pattern id=${"nofix-"+$} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${pe($)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${pe($)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${n.map(($,_)=>{let f=_*o+2,b=e[$],y=Math.min(t[$]||0,b),v=Math.max(2,b/i*u),g=y/b*v;return a`<g>
          <text x="0" y=${f+16} class="chart-label">${$}</text>
          <rect x=${m} y=${f+3} width=${g} height="18" fill=${pe($)} />
          <rect x=${m+g} y=${f+3} width=${v-g} height="18" fill=${"url(#nofix-"+$+")"} />
          <text x=${m+v+6} y=${f+16} class="chart-num">${b} (${y} fix)</text>
        </g>`})}
      <g transform=${`translate(${m},${n.length*o+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${n[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function Ce({samples:e=[],series:t,title:s,timeFmt:n}){let r=de()?360:640,i=de()?200:220,o=44,l=12,m=12,h=40;if(e.length<2)return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let d=new Date(e[0].time).getTime(),u=new Date(e[e.length-1].time).getTime(),p=Math.max(1,u-d),c=Math.max(1,...e.flatMap(w=>t.map(M=>w[M.key]||0))),$=Ft(c),_=w=>o+(new Date(w).getTime()-d)/p*(r-o-l),f=w=>m+(1-w/$)*(i-m-h),b=e[e.length-1],y=s+(n?` from ${g(e[0].time)} to ${g(b.time)}: `:` over the last ${Math.round(p/6e4)||"<1"} min: `)+t.map(w=>`${w.label} now ${b[w.key]||0}, peak ${Math.max(...e.map(M=>M[w.key]||0))}`).join("; "),v=[0,$/2,$],g=n||(w=>new Date(w).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"}));return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${i}" role="img" aria-label=${y} preserveAspectRatio="xMinYMin meet">
      ${v.map(w=>a`<g>
          <line x1=${o} x2=${r-l} y1=${f(w)} y2=${f(w)} class="grid" />
          <text x=${o-6} y=${f(w)+4} text-anchor="end" class="chart-num">${w}</text>
        </g>`)}
      <text x=${o} y=${i-h+16} class="chart-num">${g(e[0].time)}</text>
      <text x=${r-l} y=${i-h+16} text-anchor="end" class="chart-num">${g(b.time)}</text>
      ${t.map(w=>a`<polyline fill="none" stroke=${w.color} stroke-width="2.5" stroke-linejoin="round"
          points=${e.map(M=>`${_(M.time).toFixed(1)},${f(M[w.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${o},${i-10})`}>
        ${t.map((w,M)=>a`<g transform=${`translate(${M*(r>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${w.color} /><text x="18" y="-3" class="chart-legend">${w.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Ft(e){let t=Math.pow(10,Math.floor(Math.log10(e)));for(let s of[1,2,5,10])if(s*t>=e)return s*t;return 10*t}function Vt({days:e=[],valueKey:t,title:s,color:n="#1a5fb4"}){if(!e.length)return a`<figure class="chart"><figcaption>${s}</figcaption><p class="muted">No days recorded yet.</p></figure>`;let r=de()?340:560,i=170,o=36,l=24,m=14,h=Ft(Math.max(1,...e.map(_=>_[t]||0))),d=(r-o)/Math.max(e.length,7),u=Math.max(4,Math.min(40,d*.7)),p=_=>m+(1-_/h)*(i-m-l),c=_=>new Date(_+"T12:00:00Z").toLocaleDateString([],{month:"short",day:"numeric"}),$=s+": "+e.map(_=>`${c(_.day)} ${_[t]||0}`).join(", ");return a`<figure class="chart">
    <figcaption>${s}</figcaption>
    <svg viewBox="0 0 ${r} ${i}" role="img" aria-label=${$} preserveAspectRatio="xMinYMin meet">
      ${[0,h/2,h].filter(Number.isInteger).map(_=>a`<g><line x1=${o} x2=${r} y1=${p(_)} y2=${p(_)} class="grid" />
          <text x=${o-6} y=${p(_)+4} text-anchor="end" class="chart-num">${_}</text></g>`)}
      ${e.map((_,f)=>{let b=_[t]||0,y=o+f*d+(d-u)/2;return a`<g>
          <rect x=${y} y=${p(b)} width=${u} height=${Math.max(0,i-l-p(b))} fill=${n} />
          ${(e.length<=10||f===0||f===e.length-1)&&a`<text x=${y+u/2} y=${i-8} text-anchor="middle" class="chart-num">${c(_.day)}</text>`}
        </g>`})}
    </svg>
  </figure>`}var ue=50,Cs=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}],Es=[["","Any"],["true","Running"],["false","Not running"]],Is=[["","Any"],["not_covered","Not covered"],["covered","Covered"],["unknown","Unknown"]];function me({sev:e={},fix:t,coverage:s,notCovered:n}){let r=R.filter(o=>e[o]>0),i=a`<${Se} coverage=${s} notCovered=${n} />`;return r.length?a`<span class="counts">${i}
    ${r.map(o=>a`<span class=${W(o)} title=${`${e[o]} ${o.toLowerCase()}`+(t?`, ${t[o]||0} with a fix`:"")}>
        <span aria-hidden="true">${o[0]}</span><span class="sr-only">${o.toLowerCase()}</span> ${e[o]}</span>`)}
  </span>`:s&&s!=="covered"?i:a`<span class="muted">none</span>`}function Bt({query:e}){let t={registry:e.registry||"",repository:e.repository||"",q:e.q||"",severity:e.severity||"",coverage:e.coverage||"",fixable:e.fixable==="true",running:e.running==="true"||e.running==="false"?e.running:"",sort:e.sort||"severity",order:e.order||"",offset:Number(e.offset)||0},s=JSON.stringify(t),{data:n,error:r,loading:i}=E(()=>x("/api/v1/console/images"+U({...t,limit:ue})),[s],1e4),[o,l]=Q(t.q),m=u=>H(["images"],{...t,offset:0,...u}),h=u=>{let p=t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(t.sort);m({sort:u,order:t.sort===u?p?"asc":"desc":""})},d=u=>t.sort!==u?void 0:(t.order?t.order==="desc":["severity","fixable","packages","scanned_at"].includes(u))?"descending":"ascending";return a`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${u=>{u.preventDefault(),m({q:o.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${t.registry} onChange=${u=>m({registry:u.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(n?.registries||(t.registry?[t.registry]:[])).map(u=>a`<option value=${u}>${u}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${t.repository} onChange=${u=>m({repository:u.currentTarget.value})}>
          <option value="">All</option>
          ${(n?.repositories||(t.repository?[t.repository]:[])).map(u=>a`<option value=${u}>${u}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${t.severity} onChange=${u=>m({severity:u.currentTarget.value})}>
          <option value="">Any</option>
          ${R.map(u=>a`<option value=${u}>${u[0]+u.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-cov">Coverage</label>
        <select id="f-cov" value=${t.coverage} onChange=${u=>m({coverage:u.currentTarget.value})}>
          ${Is.map(([u,p])=>a`<option value=${u}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-running">Running</label>
        <select id="f-running" value=${t.running} onChange=${u=>m({running:u.currentTarget.value})}>
          ${Es.map(([u,p])=>a`<option value=${u}>${p}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${o} onInput=${u=>l(u.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${t.fixable} onChange=${u=>m({fixable:u.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${r} />
    ${!n&&!r&&a`<${N} />`}
    ${n&&a`
      <div class="summary">
        <div class="list-tools">
          <p role="status" aria-live="polite"><strong>${n.total}</strong> image${n.total===1?"":"s"}${n.not_covered>0?a`, <a href=${C(["images"],{...t,offset:0,coverage:"not_covered"})} class="nc-link"><strong>${n.not_covered}</strong> not covered</a> (their counts are incomplete)`:""}${n.running>0?a`, <a href=${C(["images"],{...t,offset:0,running:"true"})}><strong>${n.running}</strong> running</a>`:""}${i?" (refreshing\u2026)":""}</p>
          <${A} name="images" columns=${Ns} rows=${()=>Ts(t)} />
        </div>
        ${t.running&&n.running_containers===0&&a`<p class="warn" data-testid="no-running">No running containers are recorded: the controller watches Pods only as
          <code>scanfleet-controller --watch-pods</code>, so “not running” here means “not known to run”.</p>`}
        <${z} counts=${n.severities} fixable=${n.fixable} title="Findings in these images by severity" />
      </div>
      ${n.total===0?a`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:a`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${t.sort}</caption>
        <thead><tr>
          ${Cs.map(u=>a`<th scope="col" class=${u.cls||""} aria-sort=${d(u.key)}>
              <button type="button" class="sort" onClick=${()=>h(u.key)}>${u.label}<span aria-hidden="true">${t.sort===u.key?d(u.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${n.items.map(u=>{let p=Object.values(u.fixable||{}).reduce((c,$)=>c+$,0);return a`<tr key=${u.registry+u.repository+u.digest}>
              <th scope="row">
                <a href=${C(["image",u.digest])}>${u.repository}:${u.tag}</a>
                ${u.running&&a` <a class="badge running" href=${C(["workloads"],{})} title="A running container uses this image">running</a>`}
                ${(u.tags||[]).filter(c=>c!==u.tag).length>0&&a`<div class="small">also ${(u.tags||[]).filter(c=>c!==u.tag).map(c=>":"+c).join(", ")}</div>`}
                <div class="small muted mono hide-sm">${u.registry} · ${O(u.digest)}</div>
              </th>
              <td class="hide-sm">${u.os||a`<span class="muted">unknown</span>`}</td>
              <td><${me} sev=${u.severities} fix=${u.fixable} coverage=${u.coverage} notCovered=${u.not_covered} /></td>
              <td class="num">${p} / ${u.vulnerabilities}${u.coverage==="not_covered"?a`<span title="not covered: incomplete"> *</span>`:""}</td>
              <td class="num hide-sm">${u.packages}</td>
              <td class="hide-sm" title=${u.scanned_at}>${L(u.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${t.offset===0} onClick=${()=>m({offset:Math.max(0,t.offset-ue)})}>Previous</button>
        <span>${t.offset+1}–${Math.min(n.total,t.offset+ue)} of ${n.total}</span>
        <button type="button" disabled=${t.offset+ue>=n.total} onClick=${()=>m({offset:t.offset+ue})}>Next</button>
      </nav>`}
    `}`}var Ns=[["registry",e=>e.registry],["repository",e=>e.repository],["tags",e=>(e.tags&&e.tags.length?e.tags:[e.tag]).join(" ")],["digest",e=>e.digest],["os",e=>e.os],["coverage",e=>e.coverage],["not_covered",e=>(e.not_covered||[]).join(" ")],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...R.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>Object.values(e.fixable||{}).reduce((t,s)=>t+s,0)],["scanned_at",e=>e.scanned_at],["running",e=>!!e.running]];async function Ts(e){let t=[];for(let s=0;;s+=500){let n=await x("/api/v1/console/images"+U({...e,offset:s,limit:500}));if(t.push(...n.items),s+500>=n.total)return t}}var ee=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],As=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function Ls(e){let s=(e.references||[]).find(n=>/^https:\/\//.test(n));return s||(/^CVE-/.test(e.id)?"https://nvd.nist.gov/vuln/detail/"+e.id:/^GHSA-/.test(e.id)?"https://github.com/advisories/"+e.id:/^GO-/.test(e.id)?"https://pkg.go.dev/vuln/"+e.id:"https://osv.dev/vulnerability/"+e.id)}var Ht=50;function Ge({kev:e}){return e?a`<span class="badge kev" title=${"In CISA's Known Exploited Vulnerabilities catalog since "+e.date_added+(e.due_date?", remediation due "+e.due_date:"")+(e.known_ransomware_use?"; used by ransomware":"")}>KEV</span>`:null}function Ke({epss:e}){if(!e)return null;let t=(e.score*100).toFixed(e.score<.1?1:0);return a`<span class="badge epss" title=${`EPSS ${t}% probability of exploitation in the next 30 days (percentile ${Math.round(e.percentile*100)}, ${e.date})`}>EPSS ${t}%</span>`}function ze({cvss:e}){return!e||!e.length?a`<span class="muted">none given</span>`:a`<ul class="refs">${e.map(t=>a`<li><strong>${t.score.toFixed(1)}</strong> CVSS ${t.version}${t.source?" ("+t.source+")":""} <span class="mono small">${t.vector}</span></li>`)}</ul>`}function Je({refs:e}){return!e||!e.length?a`<span class="muted">none</span>`:a`<ul class="refs">${e.map(t=>/^https?:\/\//i.test(t)?a`<li><a href=${t} target="_blank" rel="noopener noreferrer">${t}</a></li>`:a`<li>${t}</li>`)}</ul>`}function Ps({v:e}){return a`<div class="detail-body">
    ${e.title&&a`<strong>${e.title}</strong>`}
    ${e.description?a`<p class="description">${e.description}</p>`:a`<p class="muted">The advisory has no description.</p>`}
    <dl>
      <dt>Severity</dt><dd>${e.severity||"UNKNOWN"}${e.severity_source?" (from "+e.severity_source+")":""}${e.vendor_severity?", vendor: "+e.vendor_severity:""}</dd>
      <dt>CVSS</dt><dd><${ze} cvss=${e.cvss} /></dd>
      ${e.kev&&a`<dt>Known exploited</dt><dd>in CISA KEV since ${e.kev.date_added}${e.kev.due_date?", due "+e.kev.due_date:""}${e.kev.known_ransomware_use?"; used by ransomware":""}</dd>`}
      ${e.epss&&a`<dt>EPSS</dt><dd>${(e.epss.score*100).toFixed(2)}% (percentile ${Math.round(e.epss.percentile*100)}, ${e.epss.date})</dd>`}
      ${e.package_path&&a`<dt>Found in</dt><dd class="mono small">${e.package_path}</dd>`}
      <dt>Source</dt><dd>${e.source||"unknown"}</dd>
      <dt>References</dt><dd><${Je} refs=${e.references} /></dd>
    </dl>
  </div>`}var Ds=[["id",e=>e.id],["aliases",e=>e.aliases||[]],["severity",e=>e.severity],["severity_source",e=>e.severity_source],["title",e=>e.title],["package",e=>e.package],["package_type",e=>e.package_type],["package_path",e=>e.package_path],["installed_version",e=>e.installed_version],["fixed_version",e=>e.fixed_version],["cvss",e=>(e.cvss||[]).map(t=>t.score+" "+t.vector).join(" ")],["kev",e=>e.kev?e.kev.date_added:""],["epss",e=>e.epss?e.epss.score:""],["layer",e=>e.layer]];function Ye({rep:e,name:t}){let[s,n]=k(""),[r,i]=k(""),[o,l]=k(!1),[m,h]=k(!1),[d,u]=k(0),[p,c]=k({}),$=e.vulnerabilities||[],_=ce(()=>{let v=s.trim().toLowerCase();return $.filter(g=>(!r||(g.severity||"").toUpperCase()===r)&&(!o||g.fixed_version)&&(!m||g.kev)&&(!v||(g.id+" "+(g.aliases||[]).join(" ")+" "+g.package+" "+(g.title||"")).toLowerCase().includes(v))).sort((g,w)=>R.indexOf((g.severity||"UNKNOWN").toUpperCase())-R.indexOf((w.severity||"UNKNOWN").toUpperCase())||(w.kev?1:0)-(g.kev?1:0)||g.id.localeCompare(w.id))},[$,s,r,o,m]),f=v=>g=>{v(g),u(0)},b=_.slice(d,d+Ht),y=$.some(v=>v.kev);return a`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${v=>v.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE, package or title" value=${s} onInput=${v=>f(n)(v.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${r} onChange=${v=>f(i)(v.currentTarget.value)}>
          <option value="">Any</option>
          ${R.map(v=>a`<option value=${v}>${v[0]+v.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${o} onChange=${v=>f(l)(v.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
      ${y&&a`<div class="field check">
        <input id="v-kev" type="checkbox" checked=${m} onChange=${v=>f(h)(v.currentTarget.checked)} />
        <label for="v-kev">Only known exploited</label>
      </div>`}
    </form>
    <div class="list-tools">
      <p role="status" class="muted" id="findings-count">${_.length} of ${$.length} findings</p>
      <${A} name=${t+"-findings"} columns=${Ds} rows=${()=>_} />
    </div>
    ${_.length>0&&a`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>
        ${b.map((v,g)=>{let w=v.id+"|"+v.package+"|"+v.installed_version+"|"+(v.package_path||"")+"|"+(d+g),M=!!p[w];return a`<tr key=${w}>
            <td><span class=${W((v.severity||"").toUpperCase())}>${v.severity||"UNKNOWN"}</span>
              ${v.severity_source&&a`<div class="small muted">${v.severity_source}</div>`}</td>
            <th scope="row">
              <a href=${C(["vulnerabilities",v.id])}>${v.id}</a>
              <a class="ext" href=${Ls(v)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+v.id+" (opens a new tab)"}>↗</a>
              <${Ge} kev=${v.kev} /><${Ke} epss=${v.epss} />
              ${v.title&&a`<div class="title-line" title=${v.title}>${v.title}</div>`}
              ${(v.aliases||[]).length>0&&a`<div class="small muted">${v.aliases.join(", ")}</div>`}
            </th>
            <td>${v.package}${v.package_type&&a` <span class="muted small">${v.package_type}</span>`}</td>
            <td class="mono small">${v.installed_version} → ${v.fixed_version?a`<strong>${v.fixed_version}</strong>`:a`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${v.layer?a`<span class="mono">${O(v.layer)}</span>`:""}
              ${v.layer_created_by&&a`<div class="created-by" title=${v.layer_created_by}>${v.layer_created_by}</div>`}</td>
            <td><button type="button" class="small" aria-expanded=${M?"true":"false"} aria-controls=${"d-"+(d+g)}
              aria-label=${(M?"Hide details of ":"Show details of ")+v.id+" in "+v.package}
              onClick=${()=>c({...p,[w]:!M})}>${M?"Hide":"Details"}</button></td>
          </tr>
          ${M&&a`<tr class="detail" key=${w+"-d"} id=${"d-"+(d+g)}><td colspan="6"><${Ps} v=${v} /></td></tr>`}`})}
      </tbody>
    </table></div>
    <${F} offset=${d} size=${Ht} total=${_.length} onGo=${u} label="Pages of findings" />`}`}function Rs({rep:e}){let t=e.image?.layers||[],s=i=>{let o={};for(let l of i||[])o[l.layer]=(o[l.layer]||0)+1;return o},n=s(e.packages),r=s(e.vulnerabilities);return t.length?a`<ol class="layers">
    ${t.map((i,o)=>a`<li key=${i.digest} class="card">
        <div class="layer-head"><strong>Layer ${o+1}</strong> <span class="mono small">${O(i.digest)}</span>
          <span class="muted small">${Rt(i.size)}</span></div>
        <pre class="created-by-full">${i.created_by||"(no history entry)"}</pre>
        <p class="small">${n[i.digest]||0} packages introduced · ${r[i.digest]||0} findings</p>
      </li>`)}
  </ol>`:a`<p class="empty">This report lists no layers.</p>`}var Os=[["name",e=>e.name],["version",e=>e.version],["type",e=>e.type],["path",e=>e.path],["layer",e=>e.layer],["purl",e=>e.purl]];function Xe({rep:e,name:t}){let[s,n]=k(""),[r,i]=k(200),o=e.packages||[],l=s.trim().toLowerCase(),m=o.filter(h=>!l||(h.name+" "+h.version+" "+h.type).toLowerCase().includes(l));return a`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${h=>h.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${s} onInput=${h=>n(h.currentTarget.value)} />
      </div>
    </form>
    <div class="list-tools">
      <p role="status" class="muted">${m.length} of ${o.length} packages</p>
      <${A} name=${t+"-packages"} columns=${Os} rows=${()=>m} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${m.slice(0,r).map((h,d)=>a`<tr key=${d}>
            <th scope="row">${h.name}</th><td class="mono small">${h.version}</td><td>${h.type}</td>
            <td class="hide-sm small mono">${h.path}</td><td class="hide-sm small mono">${O(h.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${m.length>r&&a`<button type="button" onClick=${()=>i(r+500)}>Show more (${m.length-r} left)</button>`}`}function Wt({digest:e,query:t}){let{data:s,error:n}=E(()=>x("/api/v1/images/"+encodeURIComponent(e)),[e]),{data:r}=E(()=>x("/api/v1/console/images"+U({q:e,limit:20,sort:"reference"})).then(b=>b.items.filter(y=>y.digest===e)),[e]),[i,o]=k(t.tab||"findings"),[l,m]=k(null),h=ce(()=>{let b={},y={};for(let v of s?.vulnerabilities||[]){let g=(v.severity||"UNKNOWN").toUpperCase();b[g]=(b[g]||0)+1,v.fixed_version&&(y[g]=(y[g]||0)+1)}return{c:b,f:y}},[s]);if(n)return a`<h1>Image</h1><${S} error=${n} />`;let d=(r||[]).flatMap(b=>(b.tags&&b.tags.length?b.tags:[b.tag]).map(y=>b.registry+"/"+b.repository+":"+y)),u=r&&r.length?r[0].repository+":"+r[0].tag:s&&s.image?.reference||e,p=(r&&r.length?r[0].repository+"-"+r[0].tag:O(e)).replace(/[^A-Za-z0-9._-]+/g,"_");if(!s)return a`<h1>Image</h1><${N} />`;let c=s.image||{},$=s.os?s.os.pretty_name||s.os.id+" "+(s.os.version_id||""):"unknown",_=(s.coverage||[]).filter(b=>!b.covered),f=b=>{let y=ee.findIndex(([g])=>g===i),v=-1;b.key==="ArrowRight"&&(v=(y+1)%ee.length),b.key==="ArrowLeft"&&(v=(y+ee.length-1)%ee.length),v>=0&&(b.preventDefault(),o(ee[v][0]),document.getElementById("tab-"+ee[v][0]).focus())};return a`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${u}</h1>
    ${d.length>0&&a`<p class="muted small" id="image-tags">${d.join(", ")}</p>`}
    <p class="mono small break">${c.digest||e}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${$}</dd></div>
      ${c.platform&&a`<div><dt>Platform</dt><dd>${c.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${I(s.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(s.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(s.vulnerabilities||[]).length}</dd></div>
      ${s.db&&a`<div><dt>Database</dt><dd><span class="mono small">${O(s.db.digest)}</span><div class="small muted">built ${I(s.db.built_at)}</div></dd></div>`}
    </dl>
    ${_.length>0&&a`<p class="warn" role="note">Not covered by the database: ${_.map(b=>b.ecosystem+" ("+b.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${As.map(([b,y])=>a`<button type="button" class="small" onClick=${()=>{m(null),Tt(`/api/v1/images/${encodeURIComponent(e)}/report?format=${b}`,"report."+b).catch(m)}}>${y}</button>`)}
    </div>
    <${S} error=${l} />
    <${z} counts=${h.c} fixable=${h.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${f}>
      ${ee.map(([b,y])=>a`<button type="button" role="tab" id=${"tab-"+b} aria-controls=${"panel-"+b}
          aria-selected=${i===b?"true":"false"} tabindex=${i===b?0:-1} onClick=${()=>o(b)}>${y}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+i} aria-labelledby=${"tab-"+i} class="panel">
      ${i==="findings"&&a`<${Ye} rep=${s} name=${p} />`}
      ${i==="layers"&&a`<${Rs} rep=${s} />`}
      ${i==="packages"&&a`<${Xe} rep=${s} name=${p} />`}
    </section>`}var qt=50;function Ms({id:e,role:t}){let{data:s,error:n}=E(()=>x("/api/v1/vulnerabilities/"+encodeURIComponent(e)),[e]),[r,i]=k(0);return n?a`<h1 class="break">${e}</h1>
      ${n.status===404?a`<p class="empty">No scanned image has ${e}.</p>`:a`<${S} error=${n} />`}`:s?a`
    <h1 class="break">${s.id} <span class=${W(s.severity)}>${s.severity}</span><${Ge} kev=${s.kev} /><${Ke} epss=${s.epss} /></h1>
    ${s.title&&a`<p class="vuln-title"><strong>${s.title}</strong></p>`}
    ${s.aliases.length>0&&a`<p>Also known as ${s.aliases.join(", ")}</p>`}
    ${s.description&&a`<p class="description">${s.description}</p>`}
    <dl class="facts vuln-facts">
      <div><dt>Severity</dt><dd>${s.severity}${s.severity_source?" (from "+s.severity_source+")":""}</dd></div>
      ${s.cvss&&s.cvss.length>0&&a`<div class="wide-fact"><dt>CVSS</dt><dd><${ze} cvss=${s.cvss} /></dd></div>`}
      ${s.kev&&a`<div><dt>Known exploited</dt><dd>CISA KEV since ${s.kev.date_added}${s.kev.due_date?", due "+s.kev.due_date:""}</dd></div>`}
      ${s.epss&&a`<div><dt>EPSS</dt><dd>${(s.epss.score*100).toFixed(2)}% (percentile ${Math.round(s.epss.percentile*100)})</dd></div>`}
    </dl>
    ${s.references.length>0&&a`<details open=${s.references.length<=5}><summary>References (${s.references.length})</summary><${Je} refs=${s.references} /></details>`}
    <p class="downloads">
      <a href=${C(["workloads"],{cve:s.id})}>Running workloads carrying ${s.id}</a>
      ${t==="admin"&&a` · <a href=${C(["exceptions"],{new:s.id})} data-testid="except-link">Add an exception for ${s.id}…</a>`}
    </p>
    <div class="list-tools">
      <h2>${s.images.length} affected image${s.images.length===1?"":"s"}</h2>
      <${A} name=${s.id+"-images"} columns=${Us} rows=${()=>s.images.flatMap(o=>o.findings.map(l=>({im:o,f:l})))} />
    </div>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${s.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${s.images.slice(r,r+qt).map(o=>o.findings.map((l,m)=>a`<tr key=${o.digest+m}>
              ${m===0&&a`<th scope="row" rowspan=${o.findings.length}>
                <a href=${C(["image",o.digest])}>${o.repository}:${o.tag}</a>
                ${(o.tags||[]).filter(h=>h!==o.tag).length>0&&a`<div class="small">also ${(o.tags||[]).filter(h=>h!==o.tag).map(h=>":"+h).join(", ")}</div>`}
                <div class="small muted mono">${o.registry} · ${O(o.digest)}</div>
              </th>`}
              <td>${l.package}</td>
              <td class="mono small">${l.installed_version} → ${l.fixed_version?a`<strong>${l.fixed_version}</strong>`:a`<span class="nofix">no fix</span>`}</td>
              ${m===0&&a`<td class="hide-sm" rowspan=${o.findings.length}>${L(o.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>
    <${F} offset=${r} size=${qt} total=${s.images.length} onGo=${i} label="Pages of affected images" />`:a`<h1 class="break">${e}</h1><${N} />`}var Us=[["registry",e=>e.im.registry],["repository",e=>e.im.repository],["tags",e=>e.im.tags&&e.im.tags.length?e.im.tags:[e.im.tag]],["digest",e=>e.im.digest],["package",e=>e.f.package],["installed_version",e=>e.f.installed_version],["fixed_version",e=>e.f.fixed_version],["scanned_at",e=>e.im.scanned_at]],js=[["id",e=>e.id],["worst_severity",e=>e.severity],["images",e=>e.images]];function Gt({id:e,query:t,role:s}){let[n,r]=Q(t.q||e||""),i=t.q||"",{data:o,error:l}=E(()=>e?Promise.resolve(null):x("/api/v1/vulnerabilities"+U({q:i,limit:100})),[i,e]);async function m(h){h.preventDefault();let d=n.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(d))try{let p=(await x("/api/v1/vulnerabilities"+U({q:d,limit:5}))).find(c=>c.id.toLowerCase()===d.toLowerCase());if(p)return H(["vulnerabilities",p.id])}catch{}H(["vulnerabilities"],{q:d})}return a`
    ${e?a`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:a`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${m}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${n} onInput=${h=>r(h.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${e?a`<${Ms} key=${e} id=${e} role=${s} />`:a`
        <${S} error=${l} />
        ${!o&&!l&&a`<${N} />`}
        ${o&&o.length===0&&a`<p class="empty">${i?"No scanned image has a vulnerability matching \u201C"+i+"\u201D.":"No findings stored yet."}</p>`}
        ${o&&o.length>0&&a`<div class="list-tools"><h2>${i?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
          <${A} name="vulnerabilities" columns=${js} rows=${()=>x("/api/v1/vulnerabilities"+U({q:i,limit:1e3}))} /></div>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${o.map(h=>a`<tr key=${h.id}><th scope="row"><a href=${C(["vulnerabilities",h.id])}>${h.id}</a></th>
              <td><span class=${W(h.severity)}>${h.severity}</span></td><td class="num">${h.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}var Fs=[["id",e=>e.id],["name",e=>e.name],["state",e=>e.state],["version",e=>e.version],["concurrency",e=>e.concurrency],["current_images",e=>e.current_images||[]],["done",e=>e.done],["failed",e=>e.failed],["db_digest",e=>e.db_digest],["last_seen",e=>e.last_seen]];function Vs(e){let t=(new Date(e.last_seen)-new Date(e.registered_at))/6e4;return!(t>.05)||!e.done?"\u2014":(e.done/t).toFixed(1)+"/min"}function Bs({cfg:e,onSaved:t}){let[s,n]=k({...e}),[r,i]=k(null);async function o(l){l.preventDefault(),i(null);try{await x("/api/v1/autoscaler",{method:"PUT",body:{strategy:s.strategy,minScannerPods:Number(s.minScannerPods),maxScannerPods:Number(s.maxScannerPods)}}),t()}catch(m){i(m)}}return a`<form class="inline-form" onSubmit=${o} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${s.strategy} onChange=${l=>n({...s,strategy:l.currentTarget.value})}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${s.minScannerPods} onInput=${l=>n({...s,minScannerPods:l.currentTarget.value})} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${s.maxScannerPods} onInput=${l=>n({...s,maxScannerPods:l.currentTarget.value})} /></div>
    <button type="submit" class="primary">Apply</button>
    <${S} error=${r} />
  </form>`}function Kt({role:e}){let t=E(()=>x("/api/v1/scanners"),[],3e3),s=E(()=>x("/api/v1/queue/history"),[],5e3),n=E(()=>x("/api/v1/autoscaler"),[],5e3),r=(t.data||[]).slice().sort((l,m)=>(l.state==="active"?0:1)-(m.state==="active"?0:1)),i=s.data?.samples||[],o=i[i.length-1];return a`
    <div class="page-head"><h1>Scanners</h1></div>
    ${o&&a`<ul class="stats" aria-label="Queue now">
      <li><strong>${o.queued}</strong> waiting</li><li><strong>${o.leased}</strong> scanning</li>
      <li><strong>${o.done}</strong> done</li><li><strong>${o.failed}</strong> failed</li>
      <li><strong>${o.scanners}</strong> active scanners</li>
    </ul>`}
    <${S} error=${s.error} />
    <${Ce} samples=${i} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <div class="list-tools"><h2>Scanners</h2>${r.length>0&&a`<${A} name="scanners" columns=${Fs} rows=${()=>r} />`}</div>
    <${S} error=${t.error} />
    ${!t.data&&!t.error&&a`<${N} />`}
    ${t.data&&r.length===0&&a`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${r.length>0&&a`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${r.map(l=>a`<tr key=${l.id}>
          <th scope="row">${l.name||l.id}<div class="small muted mono">${l.id} · v${l.version} · ×${l.concurrency}</div></th>
          <td><span class=${"state-badge "+l.state}>${l.state}</span></td>
          <td class="small mono">${(l.current_images||[]).length?l.current_images.map(m=>a`<div class="break">${m}</div>`):a`<span class="muted">idle</span>`}</td>
          <td class="num">${l.done} / ${l.failed}</td>
          <td class="num">${Vs(l)}</td>
          <td class="hide-sm mono small">${l.db_digest?O(l.db_digest):a`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${I(l.last_seen)}>${L(l.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${S} error=${n.error} />
    ${n.data&&(n.data.enabled?a`<p>Strategy <strong>${n.data.config.strategy}</strong>, ${n.data.config.minScannerPods}–${n.data.config.maxScannerPods} scanners${n.data.replicas!==void 0?a`, <strong>${n.data.replicas}</strong> wanted now`:""}.</p>
        ${e==="admin"&&a`<${Bs} key=${JSON.stringify(n.data.config)} cfg=${n.data.config} onSaved=${n.reload} />`}
        <h3>Events</h3>
        ${n.data.events.length===0?a`<p class="empty">No scaling events yet.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${n.data.events.slice().reverse().map((l,m)=>a`<tr key=${m}><td title=${I(l.time)}>${L(l.time)}</td><td>${l.kind}</td><td>${l.from} → ${l.to}</td>
              <td class="num">${l.taskCount}</td><td class="hide-sm small">${l.reason}</td></tr>`)}</tbody></table></div>`}`:a`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}var Hs=[["name",e=>e.name],["action",e=>e.action],["disabled",e=>!!e.disabled],["mode",e=>e.mode],["criteria",e=>zt(e.criteria)],["comment",e=>e.comment]],Ws=[["at",e=>e.d.at],["kind",e=>e.d.kind],["namespace",e=>e.d.namespace],["name",e=>e.d.name],["operation",e=>e.d.operation],["user",e=>e.d.user],["result",e=>e.d.result],["image",e=>e.im?.image],["digest",e=>e.im?.digest],["verdict",e=>e.im?.verdict?.action],["rule",e=>e.im?.verdict?.rule],["reason",e=>e.im?.verdict?.reason]];async function Ze(e){try{return{value:await x(e)}}catch(t){if(t instanceof se&&t.status===404)return{absent:!0};throw t}}function zt(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!=null&&t!==""&&t!==!1&&!(Array.isArray(t)&&t.length===0)).map(([t,s])=>{let n=t.replace(/_/g," ");return s===!0?n:Array.isArray(s)?n+": "+s.join(", "):typeof s=="object"?n+": "+Object.entries(s).map(([r,i])=>r+"="+i).join(", "):n+": "+s}).join("; ")}function qs(e){return e==="denied"?"result deny":e==="would_deny"?"result warn-result":"result allow"}function Jt(){return a`<div class="page-head"><h1>Admission</h1></div>
    <p class="empty" data-testid="no-admission">This controller does not serve Kubernetes admission reviews: it is the
      <code>scanfleet</code> binary, which answers <code>/admission</code> with 501. Run <code>scanfleet-controller controller</code>
      (the same controller with the Kubernetes integration) to judge workloads with admission rules.</p>`}function Yt(){let e=E(()=>Ze("/api/v1/admission/settings"),[],0),t=E(()=>Ze("/api/v1/admission/rules"),[],0),s=E(()=>Ze("/api/v1/admission/decisions?limit=50"),[],5e3),n=t.data?.absent&&s.data?.absent,r=t.data?.value||[],i=s.data?.value||[],o=e.data?.value;return a`
    <div class="page-head"><h1>Admission</h1></div>
    ${n&&a`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!n&&a`
      ${o&&a`<p>Mode <strong>${o.mode}</strong> (${o.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${o.no_result}</strong>.</p>`}
      <div class="list-tools"><h2>Rules</h2>${r.length>0&&a`<${A} name="admission-rules" columns=${Hs} rows=${()=>r} />`}</div>
      <${S} error=${t.error} />
      ${!t.data&&!t.error&&a`<${N} />`}
      ${t.data&&(r.length===0?a`<p class="empty">No admission rules: every image is allowed${o&&o.no_result==="deny"?", except those without a scan result":""}.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${r.map(l=>a`<tr key=${l.name} class=${l.disabled?"disabled":""}>
              <th scope="row">${l.name}${l.disabled&&a` <span class="muted small">(disabled)</span>`}
                ${l.comment&&a`<div class="small muted">${l.comment}</div>`}</th>
              <td><span class=${l.action==="deny"?"result deny":"result allow"}>${l.action}</span></td>
              <td class="small">${zt(l.criteria)}</td>
              <td class="hide-sm">${l.mode||(o?o.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <div class="list-tools"><h2>Recent decisions</h2>${i.length>0&&a`<${A} name="admission-decisions" columns=${Ws}
          rows=${async()=>(await x("/api/v1/admission/decisions?limit=1000")).flatMap(m=>(m.images||[]).length?m.images.map(h=>({d:m,im:h})):[{d:m}])} />`}</div>
      <${S} error=${s.error} />
      ${!s.data&&!s.error&&a`<${N} />`}
      ${s.data&&(i.length===0?a`<p class="empty">No decisions yet.</p>`:a`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${i.map(l=>a`<tr key=${l.id}>
              <td title=${I(l.at)}>${L(l.at)}</td>
              <th scope="row">${l.kind} ${l.namespace}/${l.name}<div class="small muted">${l.operation} by ${l.user}${l.dry_run?" (dry run)":""}</div></th>
              <td><span class=${qs(l.result)}>${(l.result||"").replace("_"," ")}</span></td>
              <td class="small">${(l.images||[]).map(m=>a`<div class="break"><span class="mono">${m.image}</span>: ${m.verdict?.action||"?"}${m.verdict?.rule?" by "+m.verdict.rule:""}
                  ${m.verdict?.reason&&a`<span class="muted"> — ${m.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${l.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var fe=e=>Object.values(e||{}).reduce((t,s)=>t+s,0),Gs=[["registry",e=>e.registry],["repository",e=>e.repository],["tag",e=>e.tag],["digest",e=>e.digest],["not_covered",e=>e.not_covered],["packages",e=>e.packages]],Ks=[["id",e=>e.id],["severity",e=>e.severity],["images",e=>e.images],["packages",e=>e.packages]],zs=[["day",e=>e.day],["images",e=>e.images],["not_covered",e=>e.not_covered],["scans",e=>e.scans],...R.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["fixable",e=>fe(e.fixable)]];function Xt(){let{data:e,error:t}=E(()=>x("/api/v1/console/overview"),[],15e3);if(t&&!e)return a`<div class="page-head"><h1>Overview</h1></div><${S} error=${t} />`;if(!e)return a`<div class="page-head"><h1>Overview</h1></div><${N} />`;let s=fe(e.severities),n=fe(e.fixable),r=e.days.map(o=>({time:o.day+"T12:00:00Z",scans:o.scans,not_covered:o.not_covered,...Object.fromEntries(R.map(l=>[l,(o.severities||{})[l]||0]))})),i=o=>new Date(o).toLocaleDateString([],{month:"short",day:"numeric"});return a`
    <div class="page-head"><h1>Overview</h1></div>
    <${S} error=${t} />
    <ul class="tiles" aria-label="Fleet totals">
      <li class="tile"><a href="#/images"><span class="n">${e.images}</span></a><span class="l">images scanned</span></li>
      <li class="tile"><a href="#/hosts"><span class="n">${e.hosts}</span></a><span class="l">hosts scanned</span></li>
      <li class="tile"><span class="n">${s}</span><span class="l">findings, ${n} with a fix</span></li>
      <li class=${"tile"+(e.not_covered?" alert":"")}><a href=${C(["images"],{coverage:"not_covered"})}><span class="n" data-testid="not-covered">${e.not_covered}</span></a>
        <span class="l">images not covered by the database: their counts are incomplete</span></li>
      ${e.coverage_unknown>0&&a`<li class="tile"><a href=${C(["images"],{coverage:"unknown"})}><span class="n">${e.coverage_unknown}</span></a><span class="l">images whose coverage is unknown</span></li>`}
    </ul>
    <div class="two-col">
      <${z} counts=${e.severities} fixable=${e.fixable} title="Findings in all images by severity" />
      <${Vt} days=${e.days} valueKey="scans" title="Scans per day" />
    </div>
    <${Ce} samples=${r} title="Findings by severity, per day" timeFmt=${i}
      series=${R.filter(o=>r.some(l=>l[o]>0)).map(o=>({key:o,label:o.toLowerCase(),color:pe(o)}))} />
    ${r.length<2&&a`<p class="hint">Trends start with the day this controller first recorded its totals; come back tomorrow.</p>`}

    <div class="list-tools"><h2>Most widespread fixable findings</h2>
      <${A} name="fixable-findings" columns=${Ks} rows=${()=>e.top_fixable} /></div>
    ${e.top_fixable.length===0?a`<p class="empty">No finding with a fixed version.</p>`:a`<div class="table-wrap"><table class="data top-fixable">
      <caption class="sr-only">Vulnerabilities with a fix, by how many images carry them</caption>
      <thead><tr><th scope="col">Vulnerability</th><th scope="col">Severity</th><th scope="col" class="num">Images</th><th scope="col">Packages</th></tr></thead>
      <tbody>${e.top_fixable.map(o=>a`<tr key=${o.id}><th scope="row"><a href=${C(["vulnerabilities",o.id])}>${o.id}</a></th>
          <td><span class=${W(o.severity)}>${o.severity}</span></td><td class="num">${o.images}</td><td>${o.packages.join(", ")}</td></tr>`)}</tbody></table></div>`}

    <div class="list-tools"><h2>Images not covered by the database</h2>
      <${A} name="not-covered-images" columns=${Gs} rows=${()=>e.uncovered} /></div>
    ${e.uncovered.length===0?a`<p class="empty">The database covers every scanned image's OS and ecosystems.</p>`:a`<div class="table-wrap"><table class="data uncovered">
      <caption class="sr-only">Images whose OS release or ecosystems the database has no data for</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">No data for</th><th scope="col" class="num">Packages</th></tr></thead>
      <tbody>${e.uncovered.map(o=>a`<tr key=${o.registry+o.repository+o.digest}><th scope="row"><a href=${C(["image",o.digest])}>${o.repository}:${o.tag}</a>
          <div class="small muted mono">${o.registry} · ${O(o.digest)}</div></th>
          <td><span class="nc-badge">${o.not_covered.join(", ")}</span></td><td class="num">${o.packages}</td></tr>`)}</tbody></table></div>`}
    <div class="list-tools"><h2>Daily totals</h2><${A} name="daily-totals" columns=${zs} rows=${()=>e.days} /></div>
    <div class="table-wrap"><table class="data days">
      <caption class="sr-only">Totals per day, newest first</caption>
      <thead><tr><th scope="col">Day</th><th scope="col" class="num">Scans</th><th scope="col" class="num">Images</th>
        <th scope="col" class="num">Not covered</th><th scope="col" class="num">Findings</th><th scope="col" class="num hide-sm">With a fix</th></tr></thead>
      <tbody>${[...e.days].reverse().map(o=>a`<tr key=${o.day}><th scope="row">${o.day}</th><td class="num">${o.scans}</td><td class="num">${o.images}</td>
          <td class="num">${o.not_covered}</td><td class="num">${fe(o.severities)}</td><td class="num hide-sm">${fe(o.fixable)}</td></tr>`)}</tbody></table></div>`}var Js=[["name",e=>e.name],["hostname",e=>e.hostname],["os",e=>e.os],["kernel",e=>e.kernel],["root",e=>e.root],["coverage",e=>e.coverage],["not_covered",e=>e.not_covered||[]],["packages",e=>e.packages],["vulnerabilities",e=>e.vulnerabilities],...R.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0]),["scanned_by",e=>e.scanned_by],["scanned_at",e=>e.scanned_at]];function Zt(){let{data:e,error:t}=E(()=>x("/api/v1/console/hosts"),[],15e3);return a`
    <div class="page-head"><h1>Hosts</h1></div>
    <${S} error=${t} />
    ${!e&&!t&&a`<${N} />`}
    ${e&&(e.length===0?a`<p class="empty">No host has sent a scan yet. Run <code>scanfleet host --controller URL</code> on a machine (or in a container with <code>--root /proc/1/root</code>).</p>`:a`
      <div class="list-tools"><p role="status"><strong>${e.length}</strong> host${e.length===1?"":"s"}${e.some(s=>s.coverage==="not_covered")?a`, <strong>${e.filter(s=>s.coverage==="not_covered").length}</strong> not covered`:""}</p><${A} name="hosts" columns=${Js} rows=${()=>e} /></div>
      <div class="table-wrap"><table class="data hosts">
        <caption class="sr-only">Scanned hosts</caption>
        <thead><tr><th scope="col">Host</th><th scope="col" class="hide-sm">OS · kernel</th><th scope="col">Findings by severity</th>
          <th scope="col" class="num hide-sm">Packages</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
        <tbody>${e.map(s=>a`<tr key=${s.name}>
            <th scope="row"><a href=${C(["host",s.name])}>${s.name}</a>
              ${s.hostname!==s.name&&a`<div class="small muted">${s.hostname}</div>`}
              <div class="small muted mono">${s.root}</div></th>
            <td class="hide-sm">${s.os||a`<span class="muted">unknown</span>`}${s.kernel&&a`<div class="small muted">kernel ${s.kernel}</div>`}</td>
            <td><${me} sev=${s.severities} coverage=${s.coverage} notCovered=${s.not_covered} /></td>
            <td class="num hide-sm">${s.packages}</td>
            <td class="hide-sm" title=${s.scanned_at}>${L(s.scanned_at)}<div class="small muted">${s.scanned_by}</div></td>
          </tr>`)}</tbody>
      </table></div>`)}`}var Ys=[["findings","Findings"],["packages","Packages"]];function Qt({name:e}){let{data:t,error:s}=E(()=>x("/api/v1/hosts/"+encodeURIComponent(e)),[e]),[n,r]=k("findings"),i=a`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/hosts">Hosts</a> ›</nav>`;if(s)return a`${i}<h1 class="break">${e}</h1><${S} error=${s} />`;if(!t)return a`${i}<h1 class="break">${e}</h1><${N} />`;let o=t.host||{},l=t.os?t.os.pretty_name||t.os.id+" "+(t.os.version_id||""):"unknown",m=(t.coverage||[]).filter(p=>!p.covered),h={},d={};for(let p of t.vulnerabilities||[]){let c=(p.severity||"UNKNOWN").toUpperCase();h[c]=(h[c]||0)+1,p.fixed_version&&(d[c]=(d[c]||0)+1)}let u=e.replace(/[^A-Za-z0-9._-]+/g,"_");return a`
    ${i}
    <h1 class="break">${e}</h1>
    <dl class="facts">
      <div><dt>Hostname</dt><dd>${o.hostname||"unknown"}</dd></div>
      <div><dt>OS</dt><dd>${l}</dd></div>
      ${o.kernel&&a`<div><dt>Kernel</dt><dd>${o.kernel}</dd></div>`}
      <div><dt>Root</dt><dd class="mono small">${o.root}</dd></div>
      <div><dt>Scanned</dt><dd>${I(t.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(t.packages||[]).length}</dd></div>
      ${t.db&&a`<div><dt>Database</dt><dd><span class="mono small">${O(t.db.digest)}</span></dd></div>`}
    </dl>
    ${m.length>0&&a`<p class="warn" role="note">Not covered by the database: ${m.map(p=>p.ecosystem+" ("+p.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    ${!t.coverage&&(t.packages||[]).length>0&&a`<p class="note"><${Se} coverage="unknown" /></p>`}
    <div class="downloads"><button type="button" class="small" onClick=${()=>We(u+".json",JSON.stringify(t,null,2),"application/json")}>Download report (JSON)</button></div>
    <${z} counts=${h} fixable=${d} />
    <div class="tabs" role="tablist" aria-label="Report sections">
      ${Ys.map(([p,c])=>a`<button type="button" role="tab" id=${"tab-"+p} aria-controls=${"panel-"+p}
          aria-selected=${n===p?"true":"false"} tabindex=${n===p?0:-1} onClick=${()=>r(p)}>${c}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+n} aria-labelledby=${"tab-"+n} class="panel">
      ${n==="findings"&&a`<${Ye} rep=${t} name=${u} />`}
      ${n==="packages"&&a`<${Xe} rep=${t} name=${u} />`}
    </section>`}var es=50,ae=[["registries","Registries (name or host)","local, *.example.com"],["repositories","Repositories","team/*"],["images","Images (registry/repository:tag)","local/team/app:v1*"],["tags","Tags","v1.*"],["digests","Digests (exact)","sha256:\u2026"],["packages","Packages (or source package)","openssl"],["namespaces","Namespaces (admission only)","dev-*"]];function Qe(e){let t=ae.filter(([s])=>(e[s]||[]).length>0).map(([s])=>s+" "+e[s].join(", "));return t.length?t.join("; "):"everywhere"}var Xs=[["id",e=>e.id],["vulnerability",e=>e.vulnerability],...ae.map(([e])=>[e,t=>t[e]||[]]),["reason",e=>e.reason],["author",e=>e.author],["created",e=>e.created],["expires",e=>e.expires||""],["state",e=>e.expired?"expired":"active"]];function Zs(e){return Math.max(1,Math.ceil((new Date(e).getTime()-Date.now())/864e5))}function Qs({vulnerability:e="",initial:t,onDone:s,onCancel:n}){let r=!!t,[i,o]=k(r?{vulnerability:t.vulnerability,reason:t.reason,days:t.expires&&!t.expired?String(Zs(t.expires)):"",...Object.fromEntries(ae.map(([_])=>[_,(t[_]||[]).join(", ")]))}:{vulnerability:e,reason:"",days:"30",...Object.fromEntries(ae.map(([_])=>[_,""]))}),[l,m]=k(!1),[h,d]=k(null),[u,p]=k(!1),c=_=>f=>{_==="days"&&m(!0),o({...i,[_]:f.currentTarget.value})};async function $(_){_.preventDefault(),p(!0),d(null);let f={vulnerability:i.vulnerability.trim(),reason:i.reason.trim()};for(let[b]of ae){let y=Ot(i[b]);y.length&&(f[b]=y)}r&&!l&&t.expires&&!t.expired?f.expires=t.expires:i.days.trim()&&(f.days=Number(i.days));try{s(r?await x("/api/v1/exceptions/"+encodeURIComponent(t.id),{method:"PUT",body:f}):await x("/api/v1/exceptions",{method:"POST",body:f}))}catch(b){d(b),p(!1)}}return a`<form class="card form" onSubmit=${$} aria-labelledby="excform-title" data-testid="exception-form">
    <h2 id="excform-title">${r?"Edit exception "+t.id:"Add an exception"}</h2>
    <div class="grid">
      <div class="field">
        <label for="exc-vuln">Vulnerability (CVE, GHSA, … or an alias)</label>
        <input id="exc-vuln" required placeholder="CVE-2024-9143" value=${i.vulnerability} onInput=${c("vulnerability")} />
      </div>
      <div class="field">
        <label for="exc-days">Expires in (days; empty: never)</label>
        <input id="exc-days" type="number" min="1" max="3650" value=${i.days} onInput=${c("days")} aria-describedby=${r?"exc-days-hint":void 0} />
        ${r&&a`<small id="exc-days-hint">${t.expires?(t.expired?"Expired ":"Now expires ")+I(t.expires)+(t.expired?": give days to renew it.":"; unchanged unless you change the days."):"Now never expires."}</small>`}
      </div>
      ${ae.map(([_,f,b])=>a`<div class="field">
          <label for=${"exc-"+_}>${f}</label>
          <input id=${"exc-"+_} placeholder=${b} value=${i[_]} onInput=${c(_)} aria-describedby="exc-scope-hint" />
        </div>`)}
      <div class="field wide">
        <label for="exc-reason">Reason (required: why this finding may be ignored)</label>
        <textarea id="exc-reason" rows="2" required value=${i.reason} onInput=${c("reason")}></textarea>
      </div>
    </div>
    <p id="exc-scope-hint" class="hint">Several values: separate them with commas. Within a field any value may match, across fields all must; <code>*</code> stops at <code>/</code>, <code>**</code> alone matches anything. No scope at all: the exception applies everywhere.
      The author is your token.</p>
    <${S} error=${h} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${u}>${u?"Saving\u2026":r?"Save":"Add exception"}</button>
      <button type="button" onClick=${n}>Cancel</button>
    </div>
  </form>`}function ea({x:e}){return e.expired?a`<span class="state-badge gone">Expired</span>`:a`<span class="state-badge active">Active</span>`}function ts({role:e,query:t}){let s=e==="admin",n=t.state||"",{data:r,error:i,reload:o}=E(()=>x("/api/v1/exceptions"),[],3e4),[l,m]=k(!!t.new),[h,d]=k(""),[u,p]=k(null),[c,$]=k(0),_=r||[],f=_.filter(g=>n==="active"?!g.expired:n==="expired"?g.expired:!0),b=_.filter(g=>g.expired).length;function y(g,w){d(`Exception ${g.exception.id} ${w}; ${g.reevaluated} stored result${g.reevaluated===1?"":"s"} re-evaluated.`+(g.reevaluate_error?" The rest is left to the lead controller: "+g.reevaluate_error:"")),o()}async function v(g){p(null);try{y(await x("/api/v1/exceptions/"+encodeURIComponent(g.id),{method:"DELETE"}),"deleted")}catch(w){p(w)}}return a`
    <div class="page-head">
      <h1>Exceptions</h1>
      ${s&&!l&&a`<button type="button" class="primary" onClick=${()=>m(!0)}>Add exception</button>`}
    </div>
    <p class="hint">An exception stops a vulnerability from counting in the images it scopes: image counts, CVE search,
      admission, exports. Changes are in the <a href=${C(["audit"])}>audit log</a>.</p>
    ${s&&l&&a`<${Qs} key=${l===!0?"new":l.id} vulnerability=${t.new||""} initial=${l===!0?null:l}
      onCancel=${()=>m(!1)} onDone=${g=>{let w=l===!0?"created":"saved";m(!1),y(g,w)}} />`}
    <p role="status" aria-live="polite" class=${h?"notice":"sr-only"} data-testid="exc-msg">${h}</p>
    <${S} error=${u||i} />
    ${!r&&!i&&a`<${N} />`}
    ${r&&a`<form class="filters" aria-label="Filter exceptions" onSubmit=${g=>g.preventDefault()}>
        <div class="field">
          <label for="exc-state">State</label>
          <select id="exc-state" value=${n} onChange=${g=>{$(0),location.hash=C(["exceptions"],{state:g.currentTarget.value})}}>
            <option value="">All</option><option value="active">Active</option><option value="expired">Expired</option>
          </select>
        </div>
      </form>
      <div class="list-tools">
        <p data-testid="exc-count"><strong>${_.length}</strong> exception${_.length===1?"":"s"}, ${_.length-b} active, ${b} expired${n?a`; <strong>${f.length}</strong> shown`:""}</p>
        ${f.length>0&&a`<${A} name="exceptions" columns=${Xs} rows=${()=>f} />`}
      </div>
      ${f.length===0?a`<p class="empty">No ${n||""} exceptions.${s&&!n?" Add one to stop a finding from counting, with a reason and an expiry.":""}</p>`:a`<div class="table-wrap"><table class="data exceptions">
          <caption class="sr-only">Exceptions</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Scope</th><th scope="col">Reason</th><th scope="col" class="hide-sm">Author</th>
            <th scope="col" class="hide-sm">Created</th><th scope="col">Expires</th><th scope="col">State</th>
            ${s&&a`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
          <tbody>${f.slice(c,c+es).map(g=>a`<tr key=${g.id} data-exception=${g.id} class=${g.expired?"disabled":""}>
              <th scope="row"><a href=${C(["vulnerabilities",g.vulnerability])}>${g.vulnerability}</a><div class="small muted mono">${g.id}</div></th>
              <td class="small scope">${Qe(g)}</td>
              <td class="small reason">${g.reason}<div class="show-sm muted">by ${g.author}</div></td>
              <td class="small mono hide-sm">${g.author}</td>
              <td class="hide-sm small" title=${I(g.created)}>${L(g.created)}</td>
              <td class="small">${g.expires?I(g.expires):a`<span class="muted">never</span>`}</td>
              <td><${ea} x=${g} /></td>
              ${s&&a`<td class="actions-cell"><button type="button" class="small" aria-label=${"Edit exception "+g.id}
                onClick=${()=>{m(g),scrollTo(0,0)}}>Edit</button><button type="button" class="small danger" aria-label=${"Delete exception "+g.id}
                onClick=${()=>confirm(`Delete exception ${g.id} (${g.vulnerability})? Its findings count again.`)&&v(g)}>Delete</button></td>`}
            </tr>`)}</tbody></table></div>
          <${F} offset=${c} size=${es} total=${f.length} onGo=${$} label="Pages of exceptions" />`}`}`}var et=50;function ta(e){let t=e.after||e.before;return!t||typeof t!="object"?"":e.kind==="exception"?`${t.vulnerability} (${Qe(t)})${t.expires?", expires "+I(t.expires):""} \u2014 ${t.reason}`:e.kind==="subscription"?`${t.name||t.id}: ${t.format||"json"} to ${t.url||"?"}${t.min_severity?", "+t.min_severity+" and above":""}${t.events&&t.events.length?", events "+t.events.join(", "):""}`:e.kind==="token"?`${t.name} (${t.role})${t.expires_at?", expires "+I(t.expires_at):""}${t.revoked?", revoked by "+(t.revoked_by||"?"):""}`:""}function ss({query:e}){let t=e.kind||"",s=e.actor||"",n=Number(e.before)||0,{data:r,error:i,loading:o}=E(()=>x("/api/v1/audit"+U({kind:t,actor:s,before:n||"",limit:et+1})),[t,s,n],15e3),[l,m]=k(null),h=(r||[]).slice(0,et),d=(r||[]).length>et,u=p=>H(["audit"],{kind:t,actor:s,...p});return a`
    <div class="page-head"><h1>Audit log</h1></div>
    <p class="hint">Every change to exceptions, subscriptions and API tokens: who made it (the API token), when, and the object before and after.</p>
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit=${p=>{p.preventDefault(),u({actor:p.currentTarget.elements["audit-actor"].value.trim(),before:""})}}>
      <div class="field">
        <label for="audit-kind">Kind</label>
        <select id="audit-kind" value=${t} onChange=${p=>u({kind:p.currentTarget.value,before:""})}>
          <option value="">All</option><option value="exception">Exceptions</option><option value="subscription">Subscriptions</option><option value="token">Tokens</option>
        </select>
      </div>
      <div class="field">
        <label for="audit-actor">Who</label>
        <input id="audit-actor" name="audit-actor" placeholder="exact author" value=${s} />
      </div>
      <button type="submit">Filter</button>
    </form>
    <${S} error=${i} />
    ${!r&&!i&&a`<${N} />`}
    ${r&&a`<p role="status" data-testid="audit-count">${h.length===0?n?"No older entries.":"No changes recorded yet.":`${n?"Older entries":"The newest entries"}: ${h.length} shown${d?", older ones on the next page":", no older ones"}`}${o?" (refreshing\u2026)":""}</p>
    ${h.length>0&&a`<div class="table-wrap"><table class="data audit">
      <caption class="sr-only">Audit log, newest first</caption>
      <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Change</th><th scope="col">What</th>
        <th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody>${h.map(p=>a`<tr key=${p.id} data-audit=${p.id}>
            <td title=${I(p.at)}>${L(p.at)}<div class="small muted hide-sm">${I(p.at)}</div></td>
            <td class="mono small">${p.actor}</td>
            <th scope="row">${p.action} ${p.kind} <span class="mono small">${p.object}</span></th>
            <td class="small what">${ta(p)}</td>
            <td><button type="button" class="small" aria-expanded=${l===p.id?"true":"false"}
              aria-label=${(l===p.id?"Hide":"Show")+" before and after of entry "+p.id}
              onClick=${()=>m(l===p.id?null:p.id)}>${l===p.id?"Hide":"Details"}</button></td>
          </tr>
          ${l===p.id&&a`<tr class="detail"><td colspan="5"><div class="two-col">
            <div><h3>Before</h3><pre class="created-by-full">${p.before?JSON.stringify(p.before,null,2):"(none: created)"}</pre></div>
            <div><h3>After</h3><pre class="created-by-full">${p.after?JSON.stringify(p.after,null,2):"(none: deleted)"}</pre></div>
          </div></td></tr>`}`)}</tbody></table></div>`}
    <nav class="pager" aria-label="Pages of the audit log">
      <button type="button" disabled=${!n} onClick=${()=>u({before:""})}>Newest</button>
      <button type="button" disabled=${!d} onClick=${()=>u({before:h[h.length-1].id})}>Older</button>
    </nav>`}`}var sa=[["image.findings_added","An image gains findings"],["image.findings_removed","An image loses findings"],["image.entered_kev","Findings enter CISA KEV"],["scan.failed","A scan fails for good"],["crawl.failed","A registry crawl fails"],["admission.denied","Admission denies a workload"]],aa=["","CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE"],as=20,ns=1e3;function na({onDone:e,onCancel:t}){let[s,n]=k({url:"",name:"",format:"json",min_severity:"",events:[],secret:""}),[r,i]=k(null),[o,l]=k(!1),m=u=>p=>n({...s,[u]:p.currentTarget.value}),h=u=>p=>n({...s,events:p.currentTarget.checked?[...s.events,u]:s.events.filter(c=>c!==u)});async function d(u){u.preventDefault(),l(!0),i(null);let p={url:s.url.trim(),name:s.name.trim()||void 0,format:s.format,min_severity:s.min_severity||void 0,events:s.events.length?s.events:void 0,secret:s.secret||void 0};try{e(await x("/api/v1/subscriptions",{method:"POST",body:p}))}catch(c){i(c),l(!1)}}return a`<form class="card form" onSubmit=${d} aria-labelledby="subform-title" data-testid="subscription-form">
    <h2 id="subform-title">Add a subscription</h2>
    <div class="grid">
      <div class="field wide">
        <label for="sub-url">Webhook URL</label>
        <input id="sub-url" type="url" required placeholder="https://hooks.example/scanfleet" value=${s.url} onInput=${m("url")} autocomplete="off" />
      </div>
      <div class="field">
        <label for="sub-name">Name</label>
        <input id="sub-name" placeholder="security team" value=${s.name} onInput=${m("name")} />
      </div>
      <div class="field">
        <label for="sub-format">Format</label>
        <select id="sub-format" value=${s.format} onChange=${m("format")}>
          <option value="json">Signed JSON (HMAC)</option><option value="slack">Slack incoming webhook</option>
        </select>
      </div>
      <div class="field">
        <label for="sub-min">Minimum severity</label>
        <select id="sub-min" value=${s.min_severity} onChange=${m("min_severity")}>
          ${aa.map(u=>a`<option value=${u}>${u?u[0]+u.slice(1).toLowerCase()+" and above":"Any"}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="sub-secret">HMAC secret (empty: generated)</label>
        <input id="sub-secret" type="password" autocomplete="new-password" minlength="16" value=${s.secret} onInput=${m("secret")} />
      </div>
      <fieldset class="field wide events">
        <legend>Events (none ticked: all)</legend>
        ${sa.map(([u,p])=>a`<span class="check">
            <input id=${"sub-ev-"+u.replace(/\./g,"-")} type="checkbox" checked=${s.events.includes(u)} onChange=${h(u)} />
            <label for=${"sub-ev-"+u.replace(/\./g,"-")}>${p} <code>${u}</code></label></span>`)}
      </fieldset>
    </div>
    <p class="hint">The secret signs each post (<code>X-Scanfleet-Signature</code>); it is stored encrypted and never shown again.
      A generated one is shown once, after saving.</p>
    <${S} error=${r} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${o}>${o?"Saving\u2026":"Add subscription"}</button>
      <button type="button" onClick=${t}>Cancel</button>
    </div>
  </form>`}function oa(e){return e==="delivered"?"state-badge active":e==="failed"?"state-badge gone":"state-badge"}function ra({sub:e}){let{data:t,error:s,loading:n}=E(()=>x(`/api/v1/subscriptions/${encodeURIComponent(e.id)}/deliveries`),[e.id],3e3),[r,i]=k(0),o=t||[];return a`<div class="deliveries" data-testid=${"deliveries-"+e.id}>
    <h3>Deliveries to ${e.name||e.id}</h3>
    <${S} error=${s} />
    ${!t&&!s&&a`<${N} />`}
    ${t&&a`<p role="status" class="small">${o.length===0?"Nothing sent yet.":`${o.length} deliver${o.length===1?"y":"ies"}, newest first`}${o.length>=ns?` (the newest ${ns}, the API's most: older ones exist)`:""}${n?" (refreshing\u2026)":""}</p>
    ${o.length>0&&a`<div class="table-wrap"><table class="data deliveries-table">
      <caption class="sr-only">Deliveries to ${e.name||e.id}</caption>
      <thead><tr><th scope="col">Created</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" class="num">Attempts</th>
        <th scope="col">Last status</th><th scope="col">Last error</th><th scope="col" class="hide-sm">Delivered / next try</th></tr></thead>
      <tbody>${o.slice(r,r+as).map(l=>a`<tr key=${l.id} data-delivery=${l.id}>
          <td title=${I(l.created_at)}>${L(l.created_at)}</td>
          <th scope="row">${l.kind}<div class="small muted mono">${l.id}</div></th>
          <td><span class=${oa(l.state)}>${l.state}</span></td>
          <td class="num">${l.attempts}</td>
          <td>${l.last_status||a`<span class="muted">—</span>`}</td>
          <td class="small error-text break">${l.last_error||""}</td>
          <td class="hide-sm small">${l.state==="delivered"?I(l.delivered_at):l.state==="pending"?"next "+I(l.next_at):"gave up"}</td>
        </tr>`)}</tbody></table></div>
    <${F} offset=${r} size=${as} total=${o.length} onGo=${i} label=${"Pages of deliveries to "+(e.name||e.id)} />`}`}
  </div>`}function os({role:e}){let t=e==="admin",{data:s,error:n,reload:r}=E(()=>t?x("/api/v1/subscriptions"):Promise.resolve(null),[t],15e3),[i,o]=k(!1),[l,m]=k(""),[h,d]=k(null),[u,p]=k(null),[c,$]=k(null);async function _(f,b){$(null);try{await f(),m(b),r()}catch(y){$(y)}}return t?a`
    <div class="page-head">
      <h1>Subscriptions</h1>
      ${!i&&a`<button type="button" class="primary" onClick=${()=>o(!0)}>Add subscription</button>`}
    </div>
    <p class="hint">Webhooks the controller posts to when images gain or lose findings, findings enter KEV, scans or crawls fail, or admission denies.
      Failed posts are retried with back-off (12 attempts); the delivery log shows each one.</p>
    ${i&&a`<${na} onCancel=${()=>o(!1)} onDone=${f=>{o(!1),d(f.secret?{id:f.id,secret:f.secret}:null),m("Subscription "+f.id+" added."),r()}} />`}
    ${h&&a`<div class="warn" role="alert" data-testid="sub-secret">
      <p>The HMAC secret of <strong>${h.id}</strong>, shown this once (it is stored encrypted and never returned again); give it to the receiver to check signatures:</p>
      <p><code class="break">${h.secret}</code></p>
      <button type="button" class="small" onClick=${()=>d(null)}>I have copied it</button>
    </div>`}
    <p role="status" aria-live="polite" class=${l?"notice":"sr-only"} data-testid="sub-msg">${l}</p>
    <${S} error=${c||n} />
    ${!s&&!n&&a`<${N} />`}
    ${s&&s.length===0&&a`<p class="empty">No subscriptions yet.</p>`}
    ${s&&s.length>0&&a`<p><strong>${s.length}</strong> subscription${s.length===1?"":"s"}</p>
    <div class="table-wrap"><table class="data subscriptions">
      <caption class="sr-only">Notification subscriptions</caption>
      <thead><tr><th scope="col">Subscription</th><th scope="col">URL</th><th scope="col">Sends</th><th scope="col" class="hide-sm">Secret</th>
        <th scope="col" class="hide-sm">Author</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${s.map(f=>a`<tr key=${f.id} data-subscription=${f.id} class=${f.enabled?"":"disabled"}>
            <th scope="row">${f.name}${!f.enabled&&a` <span class="muted small">(disabled)</span>`}<div class="small muted mono">${f.id}</div></th>
            <td class="mono small break">${f.url}<div class="muted">${f.format==="slack"?"Slack":"signed JSON"}</div></td>
            <td class="small">${f.min_severity?f.min_severity+" and above":"any severity"}; ${f.events&&f.events.length?f.events.join(", "):"all events"}</td>
            <td class="hide-sm small">${f.secret_set?"set (never shown)":"none"}</td>
            <td class="hide-sm small"><span class="mono">${f.author}</span><div class="muted" title=${I(f.created)}>${L(f.created)}</div></td>
            <td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Send a test to "+f.id}
                onClick=${()=>_(async()=>{await x(`/api/v1/subscriptions/${encodeURIComponent(f.id)}/test`,{method:"POST"}),p(f.id)},"Test notification queued for "+f.id+"; its delivery appears in the log.")}>Send test</button>
              <button type="button" class="small" aria-expanded=${u===f.id?"true":"false"} aria-label=${"Delivery log of "+f.id}
                onClick=${()=>p(u===f.id?null:f.id)}>Deliveries</button>
              <button type="button" class="small danger" aria-label=${"Delete subscription "+f.id}
                onClick=${()=>confirm(`Delete subscription ${f.name}? Nothing more is sent to it.`)&&_(()=>x(`/api/v1/subscriptions/${encodeURIComponent(f.id)}`,{method:"DELETE"}),"Subscription "+f.id+" deleted.")}>Delete</button>
            </td>
          </tr>
          ${u===f.id&&a`<tr class="detail"><td colspan="6"><${ra} sub=${f} /></td></tr>`}`)}</tbody></table></div>`}`:a`<div class="page-head"><h1>Subscriptions</h1></div>
      <p class="empty" data-testid="subs-admin-only">Subscriptions are shown to admins only: a webhook URL (a Slack one above all) is itself a credential.</p>`}var rs=50,ia=[["namespace",e=>e.namespace],["workload_kind",e=>e.workload_kind],["workload",e=>e.workload],["pod",e=>e.pod],["container",e=>e.container],["container_kind",e=>e.container_kind],["image",e=>e.image],["digest",e=>e.digest||""],["scanned",e=>e.scanned],["scanned_digest",e=>e.scanned_digest||""],["vulnerabilities",e=>e.vulnerabilities],...R.map(e=>[e.toLowerCase(),t=>(t.severities||{})[e]||0])],la=[["","All"],["false","Not covered (never scanned)"],["true","Scanned"]];function is({query:e}){let t={namespace:e.namespace||"",cve:(e.cve||"").trim(),scanned:e.scanned||""},s=JSON.stringify(t),{data:n,error:r,loading:i}=E(()=>x("/api/v1/workloads"+U(t)),[s],15e3),[o,l]=Q(t.namespace),[m,h]=Q(t.cve),[d,u]=k(0),p=f=>{u(0),H(["workloads"],{...t,...f})},c=n||[],$=t.namespace||t.cve||t.scanned,_=c.filter(f=>!f.scanned).length;return a`
    <div class="page-head"><h1>Workloads</h1></div>
    <p class="hint">Containers running in the cluster (recorded with <code>--watch-pods</code>), resolved to their stored scans as admission resolves them.
      Exceptions apply to the findings shown.</p>
    <form class="filters" role="search" aria-label="Filter workloads" onSubmit=${f=>{f.preventDefault(),p({namespace:o.trim(),cve:m.trim()})}}>
      <div class="field">
        <label for="wl-ns">Namespace</label>
        <input id="wl-ns" placeholder="all" value=${o} onInput=${f=>l(f.currentTarget.value)} />
      </div>
      <div class="field grow">
        <label for="wl-cve">Carrying vulnerability</label>
        <input id="wl-cve" type="search" placeholder="CVE-2024-9143" value=${m} onInput=${f=>h(f.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="wl-scanned">Coverage</label>
        <select id="wl-scanned" value=${t.scanned} onChange=${f=>p({namespace:o.trim(),cve:m.trim(),scanned:f.currentTarget.value})}>
          ${la.map(([f,b])=>a`<option value=${f}>${b}</option>`)}
        </select>
      </div>
      <button type="submit">Search</button>
    </form>
    <${S} error=${r} />
    ${!n&&!r&&a`<${N} />`}
    ${n&&a`<div class="list-tools">
        <p role="status" aria-live="polite" data-testid="wl-count"><strong>${c.length}</strong> running container${c.length===1?"":"s"}${t.cve?a` carrying <a href=${C(["vulnerabilities",t.cve])}>${t.cve}</a>`:""}${t.namespace?" in "+t.namespace:""}${!t.scanned&&_>0?a`, <a href=${C(["workloads"],{...t,scanned:"false"})}><strong>${_}</strong> not covered</a> (never scanned)`:""}${i?" (refreshing\u2026)":""}</p>
        ${c.length>0&&a`<${A} name="workloads" columns=${ia} rows=${()=>c} />`}
      </div>
      ${c.length===0?a`<p class="empty">${$?"No running container matches.":"No running containers are recorded. The controller records them only when started as scanfleet-controller with --watch-pods (and RBAC to list and watch Pods)."}</p>`:a`<div class="table-wrap"><table class="data workloads">
          <caption class="sr-only">Running containers</caption>
          <thead><tr><th scope="col">Workload</th><th scope="col" class="hide-sm">Container</th><th scope="col">Image</th><th scope="col">Scan</th>
            <th scope="col">Findings by severity</th></tr></thead>
          <tbody>${c.slice(d,d+rs).map(f=>a`<tr key=${f.pod_uid+"/"+f.container} data-workload=${f.namespace+"/"+f.workload}>
              <th scope="row">${f.namespace}/${f.workload}<div class="small muted">${f.workload_kind} · pod ${f.pod}<span class="show-sm"> · ${f.container}</span></div></th>
              <td class="hide-sm">${f.container}${f.container_kind&&f.container_kind!=="container"?a` <span class="small muted">(${f.container_kind})</span>`:""}</td>
              <td class="small break"><span class="mono">${f.image}</span>
                <div class="muted mono" title=${f.digest||""}>${f.digest?O(f.digest):"digest not reported"}</div></td>
              <td>${f.scanned?a`<a href=${C(["image",f.scanned_digest])}>scanned</a><div class="small muted" title=${I(f.scanned_at)}>${L(f.scanned_at)}</div>`:a`<span class="nc-badge" data-testid="not-scanned">Not covered: never scanned</span>`}</td>
              <td>${f.scanned?a`<${me} sev=${f.severities||{}} /> <span class="small muted">(${f.vulnerabilities})</span>`:a`<span class="muted">unknown</span>`}</td>
            </tr>`)}</tbody></table></div>
          <${F} offset=${d} size=${rs} total=${c.length} onGo=${u} label="Pages of workloads" />`}`}`}var ca=[{key:"overview",label:"Overview"},{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"hosts",label:"Hosts"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"workloads",label:"Workloads"},{key:"exceptions",label:"Exceptions"},{key:"audit",label:"Audit log"},{key:"subscriptions",label:"Subscriptions",role:"admin"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission",needs:"admission_webhook"}];function da(){let[e,t]=k(He());return B(()=>{let s=()=>t(He());return addEventListener("hashchange",s),()=>removeEventListener("hashchange",s)},[]),e}function pa({onLogin:e}){let[t,s]=k(""),[n,r]=k(""),[i,o]=k(!1);async function l(m){m.preventDefault(),o(!0),r("");let h=t.trim();try{let d=await x("/api/v1/whoami",{token:h});e(d),we(h)}catch(d){r(d.status===401?"This token is not valid.":d.message),o(!1)}}return a`<main id="main" class="login">
    <form class="card login-card" onSubmit=${l} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${t} onInput=${m=>s(m.currentTarget.value)} autofocus />
      ${n&&a`<p class="error" role="alert">${n}</p>`}
      <button type="submit" class="primary" disabled=${i}>${i?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function ua({role:e,who:t,route:s,onLogout:n}){let r=s.parts[0]||"images",i=te(null),o=te(!0);B(()=>{if(o.current){o.current=!1;return}i.current&&i.current.focus()},[r,s.parts[1]]);let l;switch(r){case"registries":l=a`<${Ut} role=${e} />`;break;case"image":l=a`<${Wt} key=${s.parts[1]} digest=${s.parts[1]} query=${s.query} />`;break;case"vulnerabilities":l=a`<${Gt} id=${s.parts[1]} query=${s.query} role=${e} />`;break;case"scanners":l=a`<${Kt} role=${e} />`;break;case"admission":l=t&&!t.admission_webhook?a`<${Jt} />`:a`<${Yt} />`;break;case"overview":l=a`<${Xt} />`;break;case"hosts":l=a`<${Zt} />`;break;case"host":l=a`<${Qt} key=${s.parts[1]} name=${s.parts[1]} />`;break;case"images":l=a`<${Bt} query=${s.query} />`;break;case"exceptions":l=a`<${ts} role=${e} query=${s.query} />`;break;case"audit":l=a`<${ss} query=${s.query} />`;break;case"subscriptions":l=a`<${os} role=${e} />`;break;case"workloads":l=a`<${is} query=${s.query} />`;break;default:l=a`<h1>Not found</h1><p>No page “${r}”. <a href="#/images">Go to images</a>.</p>`}let m=r==="image"?"images":r==="host"?"hosts":r,h=ca.filter(d=>(!d.needs||t&&t[d.needs])&&(!d.role||e===d.role));return a`
    <a class="skip" href="#main" onClick=${d=>{d.preventDefault(),i.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${h.map(d=>a`<li><a href=${C([d.key])} aria-current=${m===d.key?"page":void 0}>${d.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        ${t&&t.name&&a`<span class="token-name" title=${"The API token you logged in with"+(t.expires_at?", expires "+I(t.expires_at):"")}>${t.name}</span>`}
        <span class="role" title="Role of your token">${e}</span>
        <button type="button" class="link" onClick=${n}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${i}>${l}</main>`}function ma(){let e=da(),[t,s]=k(It()),[n,r]=k(null),i=n?n.role:"";return B(()=>Nt(o=>s(o)),[]),B(()=>{!t||n||x("/api/v1/whoami").then(o=>r(o)).catch(()=>{})},[t]),B(()=>{document.title="Scanfleet \xB7 "+(t?e.parts[0]||"images":"log in")},[t,e.parts[0]]),t?a`<${ua} role=${i} who=${n} route=${e} onLogout=${()=>{r(null),we("")}} />`:a`<${pa} onLogin=${o=>r(o)} />`}ft(a`<${ma} />`,document.getElementById("app"));
